// ManagedProcess carrying out the lifecycle's effects on a fake host: fake children, a fake
// clock, no real spawn and no wall-clock wait.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { UnitSpec } from '../../../src/config/types.js';
import { parse, unitOf, web } from '../../helpers/config.js';
import { FakeHost, managed } from './fake-process-host.js';

const BASE = unitOf(parse(web('start_secs = "1s"\nstop_timeout = "5s"\nbackoff = { initial = "1s", max = "60s", factor = 2, jitter = 0 }')), 'web');
const unit = (patch: Partial<UnitSpec> = {}): UnitSpec => ({ ...BASE, ...patch });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('start: starting, then running once start_secs passed on the clock', () => {
  const { proc, host } = managed(unit());
  proc.start();
  assert.equal(proc.state, 'starting');
  assert.equal(proc.pid, 1000);
  host.clock.advance(999);
  assert.equal(proc.state, 'starting');
  host.clock.advance(1);
  assert.equal(proc.state, 'running');
  assert.deepEqual(host.moves, ['stopped -> starting', 'starting -> running']);
  assert.equal(proc.uptimeMs, 1000);
});

test('exits before start_secs back off 1 s, 2 s, 4 s; a run that lasts resets it', () => {
  const { proc, host } = managed(unit());
  proc.start();
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    host.clock.advance(100);
    host.child.exit(1);
    assert.equal(proc.state, 'backoff');
    assert.match(proc.reason ?? '', /^exit 1/);
    const spawnedAt = host.children.length;
    const before = host.clock.now;
    while (host.children.length === spawnedAt) host.clock.advance(100);
    delays.push(host.clock.now - before);
  }
  assert.deepEqual(delays, [1000, 2000, 4000]);
  assert.equal(proc.restarts, 3);
  assert.equal(proc.reason, null, 'a spawn clears the reason');
  host.clock.advance(5000);
  host.child.exit(1);
  assert.equal(proc.state, 'starting', 'up for start_secs: respawned at once');
  host.clock.advance(100);
  host.child.exit(1);
  assert.equal(proc.state, 'backoff');
  assert.match(host.logs.at(-1)!, /1 in a row\): next start in 1000 ms/);
});

test('stop: stop_signal now, SIGKILL after stop_timeout, stopped at the exit', () => {
  const { proc, host } = managed(unit());
  proc.start();
  host.clock.advance(1000);
  proc.stop();
  assert.equal(proc.state, 'stopping');
  assert.deepEqual(host.signals, [{ pid: 1000, signal: 'SIGTERM', to: 'main' }]);
  host.clock.advance(4999);
  assert.equal(host.signals.length, 1);
  host.clock.advance(1);
  assert.deepEqual(host.signals[1], { pid: 1000, signal: 'SIGKILL', to: 'all' });
  host.child.exit(null, 'SIGKILL');
  assert.equal(proc.state, 'stopped');
  assert.equal(proc.pid, null);
  assert.equal(proc.wanted, 'down');
  assert.equal(host.clock.pending, 0, 'no timer left behind');
});

test('an exit before stop_timeout cancels the SIGKILL', () => {
  const { proc, host } = managed(unit({ killMode: 'process' }));
  proc.start();
  proc.stop();
  assert.deepEqual(host.signals, [{ pid: 1000, signal: 'SIGTERM', to: 'main' }]);
  host.child.exit(0);
  host.clock.advance(10_000);
  assert.equal(host.signals.length, 1);
  assert.equal(proc.state, 'stopped');
});

test('restart: stops, then starts again once the child is gone', () => {
  const { proc, host } = managed(unit());
  proc.start();
  host.clock.advance(1000);
  proc.restart();
  assert.equal(proc.state, 'stopping');
  assert.equal(proc.wanted, 'up');
  host.child.exit(0);
  assert.equal(proc.state, 'starting');
  assert.equal(host.children.length, 2);
  assert.deepEqual(host.moves.slice(-3), ['running -> stopping', 'stopping -> stopped', 'stopped -> starting']);
});

test('start while stopping: up again once the child has gone, not left stopped', () => {
  const { proc, host } = managed(unit());
  proc.start();
  host.clock.advance(1000);
  proc.stop();
  proc.start();
  assert.equal(proc.state, 'stopping');
  host.child.exit(null, 'SIGKILL');
  assert.equal(proc.state, 'starting');
  assert.equal(host.children.length, 2);
  assert.deepEqual(host.moves.slice(-3), ['running -> stopping', 'stopping -> stopped', 'stopped -> starting']);
});

test('restart while stopping: it starts again after the stop; a stop after that wins', () => {
  const { proc, host } = managed(unit());
  proc.start();
  proc.stop();
  proc.restart();
  host.child.exit(0);
  assert.equal(proc.state, 'starting');
  proc.stop();
  proc.restart();
  proc.stop();
  host.child.exit(0);
  assert.equal(proc.state, 'stopped');
  assert.equal(host.children.length, 2);
});

test('depends_on holds a respawn, not only the first start', () => {
  const { proc, host } = managed(unit());
  proc.start();
  host.clock.advance(5000);
  host.hold = 'waiting for db';
  host.child.exit(1);
  assert.equal(proc.state, 'stopped');
  assert.equal(proc.reason, 'waiting for db');
  assert.equal(proc.wanted, 'up');
  assert.equal(host.children.length, 1);
  assert.ok(host.logs.includes('not starting it: waiting for db'));
  proc.holdBack('waiting for db');
  assert.deepEqual(host.states.at(-1), { from: 'stopped', to: 'stopped', reason: 'waiting for db' }, 'held again: said again');
  host.hold = null;
  proc.start();
  assert.equal(proc.state, 'starting');
  assert.equal(proc.reason, null);
});

test('a scheduled run: armed, run at a tick, killed after its timeout, then waiting again', () => {
  const { proc, host } = managed(unit({ schedule: '* * * * *', timeoutMs: 30_000 }));
  proc.arm();
  assert.equal(proc.state, 'waiting');
  assert.equal(proc.tick(), 'started');
  assert.equal(proc.state, 'running');
  assert.equal(proc.tick(), 'busy');
  host.clock.advance(30_000);
  assert.equal(host.signals[0]?.signal, 'SIGTERM');
  assert.equal(proc.reason, 'run killed after its timeout of 30000 ms');
  host.child.exit(null, 'SIGTERM');
  assert.equal(proc.state, 'waiting');
  assert.ok(proc.isBetweenRuns);
  proc.restart();
  assert.equal(proc.state, 'waiting', 'a restart between runs re-arms, never runs');
  proc.stop();
  assert.equal(proc.tick(), 'not-wanted');
});

test('ready: running when it says so; not ready in time: stopped as a failed start', () => {
  const ready = { kind: 'tcp' as const, target: 8080, timeoutMs: 3000, intervalMs: 100 };
  const { proc, host } = managed(unit({ ready }));
  proc.start();
  host.clock.advance(5000);
  assert.equal(proc.state, 'starting', 'no start_secs promotion with ready');
  host.readiness!.ready();
  assert.equal(proc.state, 'running');
  host.clock.advance(5000);
  const watch = host.readiness!;
  host.child.exit(1);
  assert.ok(watch.stopped, 'the watch ends with the child');
  assert.notEqual(host.readiness, watch, 'the respawn is watched anew');
  assert.equal(proc.state, 'starting');
  host.readiness!.timedOut('connection refused');
  assert.equal(proc.reason, 'not ready within 3000 ms (connection refused)');
  assert.equal(host.signals.at(-1)?.signal, 'SIGTERM');
  assert.equal(proc.state, 'starting');
  host.child.exit(null, 'SIGTERM');
  assert.equal(proc.state, 'backoff');
  assert.match(proc.reason!, /^not ready within 3000 ms/);
});

test('ready, then gone within start_secs: backed off, not respawned at once', () => {
  const { proc, host } = managed(unit({ ready: { kind: 'tcp', target: 8080, timeoutMs: 3000, intervalMs: 100 } }));
  proc.start();
  host.readiness!.ready();
  host.clock.advance(300);
  host.child.exit(1);
  assert.equal(proc.state, 'backoff');
});

test('before_start refusing: a failed start; its answer for an abandoned start is ignored', async () => {
  const hooks = { beforeStart: ['/bin/check'], afterStart: null, afterExit: null, onFatal: null, timeoutMs: 1000 };
  const { proc, host } = managed(unit({ hooks }));
  proc.start();
  assert.equal(proc.state, 'starting');
  assert.equal(proc.pid, null, 'no child while the hook runs');
  host.hooks.shift()!('before_start exited 1');
  await flush();
  assert.equal(proc.state, 'backoff');
  assert.equal(proc.reason, 'before_start exited 1');
  assert.equal(host.children.length, 0);
  host.clock.advance(1000);
  assert.equal(proc.state, 'starting');
  proc.stop();
  assert.equal(proc.state, 'stopped');
  host.hooks.shift()!(null);
  await flush();
  assert.equal(proc.state, 'stopped', 'the abandoned start stays abandoned');
  assert.equal(host.children.length, 0);
  proc.start();
  host.hooks.shift()!(null);
  await flush();
  assert.equal(proc.state, 'starting');
  assert.equal(host.children.length, 1);
});

test('a spawn that fails counts as an exit before start_secs', () => {
  const { proc, host } = managed(unit({ maxRestarts: 2, restartWindowMs: 60_000 }));
  host.spawnFailure = 'spawn ENOENT';
  proc.start();
  assert.equal(proc.state, 'backoff');
  assert.equal(proc.lastExit?.durationMs, 0);
  host.clock.advance(1000);
  host.clock.advance(2000);
  assert.equal(proc.state, 'fatal');
  assert.match(proc.reason!, /^spawn ENOENT; 2 restarts within 60000 ms/);
});

test('a spawn answered later (the spawn helper): starting without a pid until then, running from the answer', async () => {
  const { proc, host } = managed(unit());
  host.deferSpawns = true;
  proc.start();
  assert.equal(proc.state, 'starting');
  assert.equal(proc.pid, null);
  assert.equal(proc.spawning, true);
  host.clock.advance(5000);
  assert.equal(proc.state, 'starting', 'start_secs counts from the answer, not from the ask');
  await host.answerSpawn();
  assert.equal(proc.pid, 1000);
  assert.equal(proc.spawning, false);
  host.clock.advance(1000);
  assert.equal(proc.state, 'running');
});

test('a stop before the spawn answered: stopping; the child is stopped as soon as it is there', async () => {
  const { proc, host } = managed(unit());
  host.deferSpawns = true;
  proc.start();
  proc.stop();
  assert.equal(proc.state, 'stopping');
  assert.deepEqual(host.signals, [], 'nothing to signal yet');
  await host.answerSpawn();
  assert.deepEqual(host.signals, [{ pid: 1000, signal: 'SIGTERM', to: 'main' }]);
  host.clock.advance(5000);
  assert.deepEqual(host.signals.at(-1), { pid: 1000, signal: 'SIGKILL', to: 'all' }, 'stop_timeout counts from the signal');
  host.child.exit(null, 'SIGKILL');
  assert.equal(proc.state, 'stopped');
  assert.deepEqual(host.moves, ['stopped -> starting', 'starting -> stopping', 'stopping -> stopped']);
});

test('a restart before the spawn answered starts a second child once the first has stopped', async () => {
  const { proc, host } = managed(unit());
  host.deferSpawns = true;
  proc.start();
  proc.restart();
  assert.equal(proc.state, 'stopping');
  await host.answerSpawn();
  host.child.exit(null, 'SIGTERM');
  assert.equal(proc.state, 'starting');
  assert.equal(host.spawnsDue.length, 1, 'the second spawn asked for');
  await host.answerSpawn();
  assert.equal(proc.pid, 1001);
});

test('a spawn that fails after a stop came: stopped, no backoff; after a restart: started again', async () => {
  const { proc, host } = managed(unit());
  host.deferSpawns = true;
  host.spawnFailure = 'spawn ENOENT';
  proc.start();
  proc.stop();
  await host.answerSpawn();
  assert.equal(proc.state, 'stopped');
  assert.equal(proc.spawning, false);
  assert.ok(host.logs.includes('cannot start: spawn ENOENT'));
  proc.start();
  proc.restart();
  await host.answerSpawn();
  assert.equal(proc.state, 'starting', 'the restart resumed');
  assert.equal(host.spawnsDue.length, 1);
});

test('retired (beyond its count after a reload): stopped, and no start, restart or hold brings it back', () => {
  const { proc, host } = managed(unit());
  proc.start();
  proc.retire();
  assert.equal(proc.state, 'stopping');
  proc.restart();
  host.child.exit(null, 'SIGTERM');
  assert.equal(proc.state, 'stopped', 'the restart that came while it stopped is ignored');
  proc.start();
  proc.holdBack('waiting for db');
  assert.equal(proc.state, 'stopped');
  assert.equal(host.children.length, 1, 'never spawned again');
});

test('an exit 0 at once leaving a daemon behind: fatal, never a second copy', () => {
  const { proc, host } = managed(unit());
  proc.start();
  host.leftover = 4242;
  host.child.exit(0);
  assert.equal(proc.state, 'fatal');
  assert.match(proc.reason!, /leaving pid 4242 running/);
});

test('the unit assigned by a reload is used at the next start', () => {
  const { proc, host } = managed(unit());
  proc.start();
  proc.unit = unit({ argv: ['node', 'v2.js'] });
  proc.restart();
  host.child.exit(0);
  assert.deepEqual(host.requests.at(-1)?.argv, ['node', 'v2.js']);
});

test('sendSignal and kill go to the child; nothing when there is none', () => {
  const { proc, host } = managed(unit({ killMode: 'process' }));
  assert.equal(proc.sendSignal('SIGHUP'), false);
  proc.start();
  assert.equal(proc.sendSignal('SIGHUP'), true);
  proc.sendSignal('SIGUSR1', true);
  proc.kill();
  assert.deepEqual(host.signals, [
    { pid: 1000, signal: 'SIGHUP', to: 'main' },
    { pid: 1000, signal: 'SIGUSR1', to: 'all' },
    { pid: 1000, signal: 'SIGKILL', to: 'all' },
  ]);
});

test('a stop in the state callback of an exit wins over the restart (re-entrant events)', () => {
  const host = new FakeHost();
  const { proc } = managed(unit(), host);
  const original = host.stateChanged.bind(host);
  host.stateChanged = (p, from, to, reason) => {
    original(p, from, to, reason);
    if (from === 'stopping' && to === 'stopped') p.stop();
  };
  proc.start();
  proc.restart();
  host.child.exit(0);
  assert.equal(proc.state, 'stopped');
  assert.equal(host.children.length, 1);
});

test('managed-process.ts only carries effects out: no raw timer, under 250 lines', () => {
  const source = readFileSync(new URL('../../../../src/process/managed-process.ts', import.meta.url), 'utf8');
  assert.doesNotMatch(source, /\bset(Timeout|Interval|Immediate)\(/);
  assert.ok(source.split('\n').length < 250, `${source.split('\n').length} lines`);
});
