// The Supervisor's commands (start, stop, restart, signal, scale, shutdown) and their --wait
// outcomes, on fake children and a fake clock (fake-world.ts): no process, no wall-clock wait.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWorld, program, settle, states } from './fake-world.js';

test('startAll starts the autostart programs; stop waits until each child is gone', async () => {
  const { supervisor, children } = fakeWorld(program('web', 'processes = 2') + program('idle', 'autostart = false'));
  supervisor.startAll();
  assert.deepEqual(states(supervisor), ['web:0: running', 'web:1: running', 'idle:0: stopped']);
  const outcomes = await supervisor.stop(['web:0', 'web:1'], { timeoutMs: 5000 });
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok} ${o.state}`), ['web:0 true stopped', 'web:1 true stopped']);
  assert.deepEqual(children.spawned.map((c) => c.signals.join()), ['SIGTERM', 'SIGTERM']);
});

test('start --wait: ok once running; a start that fails reports its state and reason', async () => {
  const { supervisor, children } = fakeWorld(program('web', 'autostart = false') + program('bad', 'autostart = false\nstart_secs = "5s"\nrestart = "never"'));
  supervisor.startAll();
  const [web] = await supervisor.start(['web:0'], { timeoutMs: 5000 });
  assert.deepEqual(web, { name: 'web:0', ok: true, state: 'running' });
  const starting = supervisor.start(['bad:0'], { timeoutMs: 5000 });
  children.liveOf('bad.js')!.exit(3);
  const [bad] = await starting;
  assert.equal(bad!.ok, false);
  assert.match(String(bad!.state), /^(exited|fatal|backoff)$/);
  assert.match(bad!.message ?? '', /exit 3/);
});

test('stop --wait times out on the fake clock, naming what the process waits for', async () => {
  const { supervisor, children, clock } = fakeWorld(program('web'));
  supervisor.startAll();
  children.liveOf('web.js')!.ignores.add('SIGTERM');
  let settled = false;
  const stopping = supervisor.stop(['web:0'], { timeoutMs: 500 }).finally(() => (settled = true));
  await settle();
  assert.equal(settled, false, 'still waiting before the timeout');
  clock.advance(500);
  const [outcome] = await stopping;
  assert.equal(outcome!.ok, false);
  assert.match(outcome!.message!, /^timed out after 500ms: still stopping, sent SIGTERM; SIGKILL comes after stop_timeout 1s/);
  supervisor.killAll();
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: stopped']);
});

test('stop without --wait answers at once; the stop goes on', async () => {
  const { supervisor } = fakeWorld(program('web'));
  supervisor.startAll();
  const outcomes = await supervisor.stop(['web:0'], null);
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok}`), ['web:0 true']);
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: stopped']);
});

test('restart --wait: a new child, running, the old one signalled', async () => {
  const { supervisor, children } = fakeWorld(program('web'));
  supervisor.startAll();
  const first = children.liveOf('web.js')!;
  const [outcome] = await supervisor.restart(['web:0'], { timeoutMs: 5000 });
  assert.deepEqual(outcome, { name: 'web:0', ok: true, state: 'running' });
  assert.deepEqual(first.signals, ['SIGTERM']);
  assert.notEqual(children.liveOf('web.js'), first);
  assert.equal(supervisor.get('web:0')!.restarts, 1);
});

test('signal: to the live child; a process without one says so', async () => {
  const { supervisor, children } = fakeWorld(program('web') + program('idle', 'autostart = false'));
  supervisor.startAll();
  children.liveOf('web.js')!.ignores.add('SIGHUP');
  const outcomes = supervisor.signal(['web:0', 'idle:0'], 'SIGHUP');
  assert.deepEqual(outcomes, [
    { name: 'web:0', ok: true, state: 'running' },
    { name: 'idle:0', ok: false, state: 'stopped', message: 'no process to signal' },
  ]);
  assert.deepEqual(children.liveOf('web.js')!.signals, ['SIGHUP']);
});

test('scale up starts the new copies; scale down stops and removes the highest', async () => {
  const { supervisor, children } = fakeWorld(program('web'));
  supervisor.startAll();
  const removed: string[] = [];
  supervisor.events.on('process:removed', ({ name }) => removed.push(name));
  const up = await supervisor.scale('web', 3, { timeoutMs: 5000 });
  assert.equal(up.line, 'scaled web 1 -> 3');
  assert.deepEqual(states(supervisor), ['web:0: running', 'web:1: running', 'web:2: running']);
  const down = await supervisor.scale('web', 1, { timeoutMs: 5000 });
  assert.deepEqual(down.outcomes.map((o) => `${o.name} ${o.ok}`), ['web:1 true', 'web:2 true']);
  assert.deepEqual(states(supervisor), ['web:0: running']);
  assert.deepEqual(removed, ['web:1', 'web:2']);
  assert.equal(children.countOf('web.js'), 3);
  await assert.rejects(supervisor.scale('nope', 2, null), /no program or method named nope/);
});

test('shutdown: a child that ignores its stop signal gets SIGKILL once shutdown_timeout passes', async () => {
  const { supervisor, children, clock } = fakeWorld(`[supervisor]\nshutdown_timeout = "2s"\n${program('web')}${program('api')}`);
  supervisor.startAll();
  children.liveOf('web.js')!.ignores.add('SIGTERM');
  let stopped = 0;
  supervisor.events.on('shutdown:stopped', () => stopped++);
  const done = supervisor.shutdown();
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: stopping', 'api:0: stopped']);
  clock.advance(2000);
  await done;
  assert.equal(stopped, 1);
  assert.deepEqual(states(supervisor), ['web:0: stopped', 'api:0: stopped']);
  assert.deepEqual(children.spawned[0]!.signals, ['SIGTERM', 'SIGKILL']);
  assert.equal(supervisor.isShuttingDown, true);
});
