import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../../src/process/backoff.js';
import { decideAfterExit, recordRespawn, type RestartRules } from '../../../src/process/decide.js';

const BACKOFF = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.1 };
const RULES: RestartRules = { restart: 'always', successExitCodes: [0], backoff: BACKOFF, maxRestarts: 0, restartWindowMs: 60_000, startSecsMs: 1000 };
const early = { code: 1, signal: null, uptimeMs: 200, wasRunning: false };
const late = { code: 1, signal: null, uptimeMs: 5000, wasRunning: true };
const fresh = { consecutiveFailures: 0, respawnTimes: [] };

test('backoff grows geometrically from initial, capped at max', () => {
  const noJitter = { ...BACKOFF, jitter: 0 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, noJitter, 0.5)), [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
});

test('jitter spreads the delay by at most +-jitter', () => {
  assert.equal(backoffDelay(1, BACKOFF, 0), 900);
  assert.equal(backoffDelay(1, BACKOFF, 1), 1100);
  assert.equal(backoffDelay(1, BACKOFF, 0.5), 1000);
  assert.equal(backoffDelay(20, BACKOFF, 1), 66000, 'jitter applies after the cap');
});

test('an exit before start_secs backs off, counting failures in a row', () => {
  const first = decideAfterExit(early, true, RULES, fresh, 0, 0.5);
  assert.deepEqual(first, { next: 'backoff', delayMs: 1000, consecutiveFailures: 1 });
  const third = decideAfterExit(early, true, RULES, { consecutiveFailures: 2, respawnTimes: [] }, 0, 0.5);
  assert.deepEqual(third, { next: 'backoff', delayMs: 4000, consecutiveFailures: 3 });
});

test('an exit after start_secs respawns at once and resets the backoff', () => {
  assert.deepEqual(decideAfterExit(late, true, RULES, { consecutiveFailures: 5, respawnTimes: [] }, 0, 0.5), { next: 'starting', consecutiveFailures: 0 });
});

test('ready, then an exit within start_secs of the spawn: a failed start, backed off (not an instant respawn)', () => {
  const readyThenGone = { code: 1, signal: null, uptimeMs: 300, wasRunning: true };
  assert.deepEqual(decideAfterExit(readyThenGone, true, RULES, fresh, 0, 0.5), { next: 'backoff', delayMs: 1000, consecutiveFailures: 1 });
  assert.deepEqual(decideAfterExit(readyThenGone, true, RULES, { consecutiveFailures: 3, respawnTimes: [] }, 0, 0.5), { next: 'backoff', delayMs: 8000, consecutiveFailures: 4 }, 'the failures keep counting');
  assert.equal(decideAfterExit({ ...readyThenGone, uptimeMs: 1000 }, true, RULES, fresh, 0, 0.5).next, 'starting', 'start_secs reached: respawned at once');
  assert.equal(decideAfterExit({ ...readyThenGone, uptimeMs: 50 }, true, { ...RULES, startSecsMs: 0 }, fresh, 0, 0.5).next, 'starting', 'start_secs = 0: ready is enough');
});

test('restart policies: never, on-failure with success codes, always', () => {
  assert.equal(decideAfterExit(late, true, { ...RULES, restart: 'never' }, fresh, 0, 0.5).next, 'exited');
  const onFailure = { ...RULES, restart: 'on-failure' as const, successExitCodes: [0, 3] };
  assert.equal(decideAfterExit({ ...late, code: 3 }, true, onFailure, fresh, 0, 0.5).next, 'exited');
  assert.equal(decideAfterExit({ ...late, code: 0 }, true, onFailure, fresh, 0, 0.5).next, 'exited');
  assert.equal(decideAfterExit({ ...late, code: 2 }, true, onFailure, fresh, 0, 0.5).next, 'starting');
  assert.equal(decideAfterExit({ ...late, code: null, signal: 'SIGSEGV' }, true, onFailure, fresh, 0, 0.5).next, 'starting', 'a signal is a failure');
  assert.equal(decideAfterExit({ ...late, code: 0 }, true, RULES, fresh, 0, 0.5).next, 'starting', 'always restarts a clean exit');
});

test('a stop that was asked for is never restarted', () => {
  assert.deepEqual(decideAfterExit(late, false, RULES, fresh, 0, 0.5), { next: 'stopped' });
});

test('max_restarts within restart_window gives up; older respawns fall out of the window', () => {
  const rules = { ...RULES, maxRestarts: 3, restartWindowMs: 10_000 };
  const recent = { consecutiveFailures: 0, respawnTimes: [1000, 2000, 3000] };
  assert.equal(decideAfterExit(late, true, rules, recent, 5000, 0.5).next, 'fatal');
  assert.equal(decideAfterExit(late, true, rules, recent, 11_500, 0.5).next, 'starting', 'the first respawn is out of the window');
  assert.equal(decideAfterExit(late, true, { ...rules, maxRestarts: 0 }, recent, 5000, 0.5).next, 'starting', '0 never gives up');
});

test('recordRespawn keeps only the window', () => {
  assert.deepEqual(recordRespawn([1, 5, 9], 12, 5), [9, 12]);
});
