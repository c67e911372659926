// Rolling restarts through the Supervisor (restart_strategy = "rolling"): one copy at a time,
// the pool never down by more than one; a copy that does not come back stops the roll.
// Also the watch restart (restartUnitForWatch). Fake children, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWorld, program, settle, states } from './fake-world.js';

test('rolling restart: one copy at a time, never more than one down', async () => {
  const { supervisor, children } = fakeWorld(program('web', 'processes = 3\nrestart_strategy = "rolling"'));
  supervisor.startAll();
  let worst = 0;
  supervisor.events.on('process:state', () => {
    worst = Math.max(worst, supervisor.list().filter((p) => p.state !== 'running').length);
  });
  const order: string[] = [];
  supervisor.events.on('process:spawn', ({ name }) => order.push(name));
  const outcomes = await supervisor.restart(['web:0', 'web:1', 'web:2'], { timeoutMs: 5000 });
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok} ${o.state}`), ['web:0 true running', 'web:1 true running', 'web:2 true running']);
  assert.deepEqual(order, ['web:0', 'web:1', 'web:2']);
  assert.equal(worst, 1);
  assert.equal(children.spawned.length, 6);
});

test('restart_strategy = "all" restarts every copy at once', async () => {
  const { supervisor } = fakeWorld(program('web', 'processes = 3'));
  supervisor.startAll();
  let worst = 0;
  supervisor.events.on('process:state', () => {
    worst = Math.max(worst, supervisor.list().filter((p) => p.state !== 'running').length);
  });
  await supervisor.restart(['web:0', 'web:1', 'web:2'], { timeoutMs: 5000 });
  assert.equal(worst, 3);
});

test('rolling without sockets: the next copy waits for the one before; one that does not come back stops the roll', async () => {
  const { supervisor, children, clock } = fakeWorld(program('web', 'processes = 3\nrestart_strategy = "rolling"'));
  supervisor.startAll();
  const [first, second, third] = children.spawned;
  first!.ignores.add('SIGTERM');
  const restarting = supervisor.restart(['web:0', 'web:1', 'web:2'], { timeoutMs: 60_000 });
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: stopping', 'web:1: running', 'web:2: running']);
  assert.deepEqual([second!.signals, third!.signals], [[], []], 'web:1 and web:2 wait their turn');
  clock.advance(62_000); // stop_timeout + start + a minute (poolRestartTimeout)
  const outcomes = await restarting;
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok}`), ['web:0 false', 'web:1 false', 'web:2 false']);
  assert.match(outcomes[0]!.message!, /^timed out after .*: still stopping/);
  assert.equal(outcomes[1]!.message, 'not restarted: web:0 did not get ready');
  assert.deepEqual([second!.signals, third!.signals], [[], []], 'web:1 and web:2 keep running as they were');
  assert.deepEqual(states(supervisor).slice(1), ['web:1: running', 'web:2: running']);
  supervisor.killAll();
  await settle();
});

test('a watched file change restarts the wanted copies, counted; a stopped copy is left alone', async () => {
  const { supervisor, lines } = fakeWorld(program('web', 'processes = 2'));
  supervisor.startAll();
  await supervisor.stop(['web:1'], { timeoutMs: 1000 });
  const reasons: string[] = [];
  supervisor.events.on('process:restart', ({ name, reason }) => reasons.push(`${name} ${reason}`));
  const outcomes = await supervisor.restartUnitForWatch('web', '/abs/dir/web.js');
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok}`), ['web:0 true']);
  assert.deepEqual(reasons, ['web:0 watch']);
  assert.equal(supervisor.get('web:0')!.watchRestarts, 1);
  assert.deepEqual(states(supervisor), ['web:0: running', 'web:1: stopped']);
  assert.deepEqual(await supervisor.restartUnitForWatch('nope', '/x'), []);
  assert.equal(lines.length > 0, true);
});
