// The pure lifecycle: every state x event pair the ACCEPTS table lists, every pair it does
// not (nothing happens), and every row of the TRANSITIONS table, each one step on plain data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UnitSpec } from '../../../src/config/types.js';
import { isSupdError } from '../../../src/errors.js';
import { eventKind, INITIAL, step, tickAnswer, type Effect, type LifecycleEvent, type Snapshot, type StepContext } from '../../../src/process/lifecycle.js';
import { Move } from '../../../src/process/lifecycle-move.js';
import { ACCEPTS, PROCESS_STATES, TRANSITIONS, type LifecycleEventKind, type ProcessState } from '../../../src/process/states.js';
import { parse, unitOf, web } from '../../helpers/config.js';

const BASE = unitOf(parse(web('start_secs = "1s"\nbackoff = { initial = "1s", max = "60s", factor = 2, jitter = 0 }')), 'web');
const SCHEDULED: UnitSpec = { ...BASE, schedule: '* * * * *', timeoutMs: 30_000 };
const NOW = 5000;

/** A representative snapshot of each state (a child in starting, running and stopping). */
function snap(state: ProcessState, patch: Partial<Snapshot> = {}): Snapshot {
  const child = state === 'starting' || state === 'running' || state === 'stopping';
  const wanted = state === 'stopping' ? 'down' : 'up';
  return { ...INITIAL, state, wanted, attempt: 1, starts: 1, pid: child ? 100 : null, startedAt: child ? 0 : null, ...patch };
}

function ctx(unit: Partial<UnitSpec> = {}, now = NOW): StepContext {
  return { now, unit: { ...BASE, ...unit }, random: 0.5, childGone: false };
}

const EXIT = { code: 1, signal: null, leftover: null, lastLine: 'boom' } as const;

/** A representative event of each kind. */
function event(kind: LifecycleEventKind): LifecycleEvent {
  if (kind.startsWith('timer:')) return { type: 'timer', name: kind.slice(6) as 'kill', attempt: 1 };
  switch (kind) {
    case 'hold': return { type: 'hold', reason: 'waiting for db' };
    case 'hold-answered': return { type: 'hold-answered', reason: null };
    case 'before-start-answered': return { type: 'before-start-answered', attempt: 1, refusal: null };
    case 'spawned': return { type: 'spawned', pid: 200 };
    case 'spawn-failed': return { type: 'spawn-failed', reason: 'no such user: app' };
    case 'exited': return { type: 'exited', ...EXIT };
    case 'exit-settled': return { type: 'exit-settled', ...EXIT, uptimeMs: 200, wasRunning: false };
    case 'ready': return { type: 'ready', attempt: 1 };
    case 'not-ready': return { type: 'not-ready', attempt: 1, lastFailure: 'connection refused' };
    default: return { type: kind } as LifecycleEvent;
  }
}

const has = (effects: readonly Effect[], kind: Effect['kind'], extra: Record<string, unknown> = {}): boolean =>
  effects.some((e) => e.kind === kind && Object.entries(extra).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v));

interface Row {
  readonly state: ProcessState;
  readonly kind: LifecycleEventKind;
  readonly to: ProcessState;
  readonly patch?: Partial<Snapshot>;
  readonly unit?: Partial<UnitSpec>;
  readonly event?: LifecycleEvent;
  readonly check?: (s: Snapshot, effects: readonly Effect[]) => boolean;
}

const askDependsOn = (_: Snapshot, e: readonly Effect[]): boolean => has(e, 'check-hold');
const stopSent = (_: Snapshot, e: readonly Effect[]): boolean => has(e, 'signal', { signal: 'SIGTERM' }) && has(e, 'arm', { timer: 'kill' });
const killSent = (_: Snapshot, e: readonly Effect[]): boolean => has(e, 'signal', { signal: 'SIGKILL', to: 'all' });
const wants = (w: Snapshot['wanted']) => (s: Snapshot): boolean => s.wanted === w;
const nothing = (_: Snapshot, e: readonly Effect[]): boolean => !has(e, 'state') && !has(e, 'signal') && !has(e, 'spawn');
const heldBack = (s: Snapshot): boolean => s.reason === 'waiting for db' && s.wanted === 'up';

/** Every pair ACCEPTS lists, with what it does from a representative snapshot. */
const MATRIX: Row[] = [
  { state: 'stopped', kind: 'start', to: 'stopped', check: askDependsOn },
  { state: 'stopped', kind: 'stop', to: 'stopped', patch: { reason: 'waiting for db' }, check: (s) => s.wanted === 'down' && s.reason === null },
  { state: 'stopped', kind: 'restart', to: 'stopped', check: askDependsOn },
  { state: 'stopped', kind: 'arm', to: 'waiting', patch: { wanted: 'down' }, check: wants('up') },
  { state: 'stopped', kind: 'hold', to: 'stopped', check: (s, e) => heldBack(s) && has(e, 'state', { from: 'stopped', to: 'stopped', reason: 'waiting for db' }) },
  { state: 'stopped', kind: 'resume', to: 'stopped', patch: { wanted: 'restart' }, check: (s, e) => s.wanted === 'up' && has(e, 'check-hold') },
  { state: 'stopped', kind: 'hold-answered', to: 'starting', check: (s, e) => s.attempt === 2 && s.spawning && has(e, 'spawn', { attempt: 2 }) },
  { state: 'starting', kind: 'start', to: 'starting', check: nothing },
  { state: 'starting', kind: 'stop', to: 'stopping', check: (s, e) => s.wanted === 'down' && stopSent(s, e) },
  { state: 'starting', kind: 'restart', to: 'stopping', check: (s, e) => s.wanted === 'restart' && stopSent(s, e) },
  { state: 'starting', kind: 'arm', to: 'starting', check: nothing },
  { state: 'starting', kind: 'hold', to: 'starting', check: (s, e) => s.reason === null && nothing(s, e) },
  { state: 'starting', kind: 'exited', to: 'starting', check: (s, e) => s.pid === null && s.lastExit?.code === 1 && has(e, 'child-exited', { pid: 100, uptimeMs: NOW }) && has(e, 'then') },
  { state: 'starting', kind: 'exit-settled', to: 'backoff', patch: { pid: null }, check: (s, e) => s.consecutiveFailures === 1 && s.reason === 'exit 1: boom' && has(e, 'arm', { timer: 'backoff', delayMs: 1000 }) },
  { state: 'starting', kind: 'timer:kill', to: 'starting', check: killSent },
  { state: 'starting', kind: 'before-start-answered', to: 'starting', patch: { pid: null }, check: (_, e) => has(e, 'spawn', { attempt: 1 }) },
  { state: 'starting', kind: 'spawned', to: 'starting', patch: { pid: null, spawning: true }, check: (s, e) => s.pid === 200 && !s.spawning && s.startedAt === NOW && has(e, 'child-started') && has(e, 'arm', { timer: 'promote', delayMs: 1000 }) },
  { state: 'starting', kind: 'spawn-failed', to: 'backoff', patch: { pid: null, spawning: true }, check: (s) => !s.spawning && s.reason === 'no such user: app' && s.lastExit?.durationMs === 0 },
  { state: 'starting', kind: 'ready', to: 'running', patch: { consecutiveFailures: 3 }, check: (s) => s.consecutiveFailures === 0 },
  { state: 'starting', kind: 'not-ready', to: 'starting', unit: { ready: { kind: 'tcp', target: 8080, timeoutMs: 3000, intervalMs: 100 } }, check: (s, e) => s.reason === 'not ready within 3000 ms (connection refused)' && stopSent(s, e) },
  { state: 'starting', kind: 'timer:promote', to: 'running' },
  { state: 'starting', kind: 'timer:run-timeout', to: 'starting', unit: { timeoutMs: 30_000 }, check: (s, e) => s.reason === 'run killed after its timeout of 30000 ms' && stopSent(s, e) },
  { state: 'running', kind: 'start', to: 'running', check: nothing },
  { state: 'running', kind: 'stop', to: 'stopping', check: stopSent },
  { state: 'running', kind: 'restart', to: 'stopping', check: (s, e) => s.wanted === 'restart' && stopSent(s, e) },
  { state: 'running', kind: 'arm', to: 'running', check: nothing },
  { state: 'running', kind: 'hold', to: 'running', check: nothing },
  { state: 'running', kind: 'exited', to: 'running', check: (s, e) => s.pid === null && has(e, 'then') },
  { state: 'running', kind: 'exit-settled', to: 'running', patch: { pid: null }, event: { type: 'exit-settled', ...EXIT, uptimeMs: NOW, wasRunning: true }, check: (s, e) => s.respawnTimes.length === 1 && askDependsOn(s, e) },
  { state: 'running', kind: 'timer:kill', to: 'running', check: killSent },
  { state: 'running', kind: 'timer:run-timeout', to: 'running', unit: { timeoutMs: 30_000 }, check: stopSent },
  { state: 'running', kind: 'hold-answered', to: 'starting', patch: { pid: null }, check: (s) => s.restarts === 1 },
  { state: 'backoff', kind: 'start', to: 'backoff', check: (s, e) => askDependsOn(s, e) && has(e, 'cancel', { timer: 'backoff' }) },
  { state: 'backoff', kind: 'stop', to: 'stopped', check: (s, e) => s.wanted === 'down' && has(e, 'cancel', { timer: 'backoff' }) },
  { state: 'backoff', kind: 'restart', to: 'backoff', check: askDependsOn },
  { state: 'backoff', kind: 'arm', to: 'backoff', check: nothing },
  { state: 'backoff', kind: 'hold', to: 'stopped', check: heldBack },
  { state: 'backoff', kind: 'timer:backoff', to: 'backoff', check: askDependsOn },
  { state: 'backoff', kind: 'hold-answered', to: 'starting' },
  { state: 'stopping', kind: 'start', to: 'stopping', check: wants('restart') },
  { state: 'stopping', kind: 'stop', to: 'stopping', patch: { wanted: 'restart' }, check: (s, e) => s.wanted === 'down' && nothing(s, e) },
  { state: 'stopping', kind: 'restart', to: 'stopping', check: wants('restart') },
  { state: 'stopping', kind: 'arm', to: 'stopping', patch: { wanted: 'restart' }, check: wants('restart') },
  { state: 'stopping', kind: 'hold', to: 'stopping', check: wants('up') },
  { state: 'stopping', kind: 'exited', to: 'stopping', check: (s) => s.pid === null },
  { state: 'stopping', kind: 'exit-settled', to: 'stopped', patch: { pid: null }, check: (_, e) => !has(e, 'then') },
  { state: 'stopping', kind: 'timer:kill', to: 'stopping', check: killSent },
  // A stop or restart came before the spawn answered: the child is stopped as soon as it is there.
  { state: 'stopping', kind: 'spawned', to: 'stopping', patch: { pid: null, spawning: true }, check: (s, e) => s.pid === 200 && !s.spawning && has(e, 'child-started', { pid: 200 }) && has(e, 'signal', { pid: 200, signal: 'SIGTERM' }) && has(e, 'arm', { timer: 'kill' }) && !has(e, 'arm', { timer: 'promote' }) },
  { state: 'stopping', kind: 'spawn-failed', to: 'stopped', patch: { pid: null, spawning: true }, check: (s, e) => !s.spawning && s.lastExit?.durationMs === 0 && has(e, 'log', { message: 'cannot start: no such user: app' }) && !has(e, 'then') },
  { state: 'exited', kind: 'start', to: 'exited', check: askDependsOn },
  { state: 'exited', kind: 'stop', to: 'stopped', check: wants('down') },
  { state: 'exited', kind: 'restart', to: 'exited', check: askDependsOn },
  { state: 'exited', kind: 'arm', to: 'waiting' },
  { state: 'exited', kind: 'hold', to: 'stopped', check: heldBack },
  { state: 'exited', kind: 'hold-answered', to: 'starting' },
  { state: 'fatal', kind: 'start', to: 'fatal', check: askDependsOn },
  { state: 'fatal', kind: 'stop', to: 'stopped', patch: { reason: 'gave up' }, check: (s) => s.reason === null },
  { state: 'fatal', kind: 'restart', to: 'fatal', check: askDependsOn },
  { state: 'fatal', kind: 'arm', to: 'waiting' },
  { state: 'fatal', kind: 'hold', to: 'stopped', check: heldBack },
  { state: 'fatal', kind: 'hold-answered', to: 'starting' },
  { state: 'waiting', kind: 'start', to: 'starting', unit: SCHEDULED, check: (_, e) => !has(e, 'check-hold') && has(e, 'spawn') },
  { state: 'waiting', kind: 'stop', to: 'stopped', unit: SCHEDULED },
  { state: 'waiting', kind: 'restart', to: 'waiting', unit: SCHEDULED, check: nothing },
  { state: 'waiting', kind: 'arm', to: 'waiting', unit: SCHEDULED },
  { state: 'waiting', kind: 'hold', to: 'waiting', unit: SCHEDULED, check: (s, e) => heldBack(s) && nothing(s, e) },
  { state: 'waiting', kind: 'tick', to: 'starting', unit: SCHEDULED, check: (s) => s.restarts === 1 },
  { state: 'waiting', kind: 'hold-answered', to: 'starting' },
];

/** Further moves: the other rows of TRANSITIONS, and the guards against stale answers. */
const MORE: Array<Row & { readonly title: string }> = [
  { title: 'a stop while the spawn has not answered: stopping, nothing to signal yet', state: 'starting', kind: 'stop', to: 'stopping', patch: { pid: null, spawning: true }, check: (s, e) => s.wanted === 'down' && s.spawning && !has(e, 'signal') && !has(e, 'arm') },
  { title: 'a restart while the spawn has not answered: stopping, then up again', state: 'starting', kind: 'restart', to: 'stopping', patch: { pid: null, spawning: true }, check: (s, e) => s.wanted === 'restart' && !has(e, 'signal') },
  { title: 'a scheduled run being spawned is not between runs: a restart stops it', state: 'starting', kind: 'restart', to: 'stopping', patch: { pid: null, spawning: true }, unit: SCHEDULED, check: (s) => s.wanted === 'restart' },
  { title: 'depends_on does not hold back a child being spawned', state: 'starting', kind: 'hold', to: 'starting', patch: { pid: null, spawning: true }, check: (s, e) => s.reason === null && nothing(s, e) },
  { title: 'a restart whose spawn failed while stopping: stopped, then resumes', state: 'stopping', kind: 'spawn-failed', to: 'stopped', patch: { pid: null, spawning: true, wanted: 'restart' }, check: (_, e) => has(e, 'then') },
  { title: 'a stop while before_start runs abandons that start', state: 'starting', kind: 'stop', to: 'stopped', patch: { pid: null }, check: (s) => s.attempt === 2 },
  { title: 'restart = "never": exited', state: 'starting', kind: 'exit-settled', to: 'exited', patch: { pid: null }, unit: { restart: 'never' }, check: (s) => s.reason === 'exit 1: boom; restart = "never"' },
  { title: 'an exit 0 leaving a daemon behind: fatal', state: 'starting', kind: 'exit-settled', to: 'fatal', patch: { pid: null }, event: { type: 'exit-settled', ...EXIT, code: 0, leftover: 4242, uptimeMs: 10, wasRunning: false }, check: (s) => s.reason!.includes('leaving pid 4242 running') },
  { title: 'a scheduled run that cannot start waits for its next tick', state: 'starting', kind: 'spawn-failed', to: 'waiting', patch: { pid: null }, unit: SCHEDULED },
  { title: 'ready, then gone within start_secs: backoff', state: 'running', kind: 'exit-settled', to: 'backoff', patch: { pid: null }, event: { type: 'exit-settled', ...EXIT, uptimeMs: 300, wasRunning: true } },
  { title: 'an on-failure program that ends well: exited, no failure', state: 'running', kind: 'exit-settled', to: 'exited', patch: { pid: null }, unit: { restart: 'on-failure' }, event: { type: 'exit-settled', ...EXIT, code: 0, uptimeMs: NOW, wasRunning: true }, check: (s) => s.reason === 'exit 0 is a success exit code' },
  { title: 'max_restarts within the window: fatal', state: 'running', kind: 'exit-settled', to: 'fatal', patch: { pid: null, respawnTimes: [4000, 4500] }, unit: { maxRestarts: 2 }, event: { type: 'exit-settled', ...EXIT, uptimeMs: NOW, wasRunning: true } },
  { title: 'a scheduled run ends: waiting', state: 'running', kind: 'exit-settled', to: 'waiting', patch: { pid: null }, unit: SCHEDULED, event: { type: 'exit-settled', ...EXIT, uptimeMs: NOW, wasRunning: true } },
  { title: 'a respawn held back by depends_on', state: 'running', kind: 'hold-answered', to: 'stopped', patch: { pid: null }, event: { type: 'hold-answered', reason: 'waiting for db' }, check: (s, e) => heldBack(s) && has(e, 'log', { message: 'not starting it: waiting for db' }) },
  { title: 'a restart, stopped: resumes', state: 'stopping', kind: 'exit-settled', to: 'stopped', patch: { pid: null, wanted: 'restart' }, check: (_, e) => has(e, 'then') },
  { title: 'a scheduled restart resumes into waiting', state: 'stopped', kind: 'resume', to: 'waiting', patch: { wanted: 'restart' }, unit: SCHEDULED },
  { title: 'a resume after a stop came in between does nothing', state: 'stopped', kind: 'resume', to: 'stopped', patch: { wanted: 'down' }, check: nothing },
  { title: 'before_start refused: a failed start', state: 'starting', kind: 'before-start-answered', to: 'backoff', patch: { pid: null }, event: { type: 'before-start-answered', attempt: 1, refusal: 'hook exit 1' }, check: (s) => s.reason === 'hook exit 1' },
  { title: 'an answer for an older attempt is ignored', state: 'starting', kind: 'before-start-answered', to: 'starting', patch: { pid: null, attempt: 2 }, check: (_, e) => e.length === 0 },
  { title: 'a timer of an older attempt is ignored', state: 'stopping', kind: 'timer:kill', to: 'stopping', event: { type: 'timer', name: 'kill', attempt: 0 }, check: (_, e) => e.length === 0 },
  { title: 'start_secs not quite passed: the rest is waited out', state: 'starting', kind: 'timer:promote', to: 'starting', patch: { startedAt: NOW - 990 }, check: (_, e) => has(e, 'arm', { timer: 'promote', delayMs: 10 }) },
  { title: 'a backoff timer after the wanted went down does nothing', state: 'backoff', kind: 'timer:backoff', to: 'backoff', patch: { wanted: 'down' }, check: (_, e) => e.length === 0 },
  { title: 'a scheduled spawn: running at once, its timeout armed', state: 'starting', kind: 'spawned', to: 'starting', patch: { pid: null }, unit: SCHEDULED, check: (_, e) => has(e, 'then') && has(e, 'arm', { timer: 'run-timeout', delayMs: 30_000 }) },
  { title: 'with ready: watched, no start_secs timer', state: 'starting', kind: 'spawned', to: 'starting', patch: { pid: null }, unit: { ready: { kind: 'tcp', target: 8080, timeoutMs: 3000, intervalMs: 100 } }, check: (_, e) => has(e, 'watch-ready') && !has(e, 'arm') },
];

const edges = new Set<string>();
const timings: number[] = [];

function run(row: Row): { state: Snapshot; effects: readonly Effect[] } {
  const before = snap(row.state, row.patch);
  const ev = row.event ?? event(row.kind);
  assert.equal(eventKind(ev), row.kind);
  const t0 = performance.now();
  const result = step(before, ev, ctx(row.unit));
  timings.push(performance.now() - t0);
  assert.equal(result.state.state, row.to, `${row.state} + ${row.kind}`);
  for (const e of result.effects) if (e.kind === 'state' && e.from !== e.to) edges.add(`${e.from} -> ${e.to}`);
  assert.ok(row.check?.(result.state, result.effects) ?? true, `${row.state} + ${row.kind}: ${JSON.stringify(result)}`);
  return result;
}

test('every state x event pair the ACCEPTS table lists does what its row says', () => {
  for (const state of PROCESS_STATES) {
    for (const kind of ACCEPTS[state]) {
      const row = MATRIX.find((r) => r.state === state && r.kind === kind);
      assert.ok(row, `no row for ${state} + ${kind}`);
      run(row);
    }
  }
  assert.equal(MATRIX.length, Object.values(ACCEPTS).reduce((n, kinds) => n + kinds.length, 0), 'a row for a pair the table does not list');
});

for (const row of MORE) test(row.title, () => void run(row));

test('every pair the ACCEPTS table leaves out changes nothing and does nothing', () => {
  const kinds = [...new Set(Object.values(ACCEPTS).flat()), 'tick', 'resume'] as LifecycleEventKind[];
  let count = 0;
  for (const state of PROCESS_STATES) {
    for (const kind of kinds.filter((k) => !ACCEPTS[state].includes(k))) {
      const before = snap(state);
      const result = step(before, event(kind), ctx());
      assert.equal(result.state, before, `${state} + ${kind}`);
      assert.deepEqual(result.effects, [], `${state} + ${kind}`);
      count++;
    }
  }
  assert.ok(count > 60, `${count} pairs left out`);
});

test('every row of the TRANSITIONS table is a move some step makes, and no step makes another', () => {
  for (const row of [...MATRIX, ...MORE]) run(row);
  const table = Object.entries(TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`));
  assert.deepEqual([...edges].sort(), table.sort());
});

test('a move the table does not have is a SUPD_E_INTERNAL error, not a silent jump', () => {
  const m = new Move(snap('stopped'), ctx());
  assert.throws(() => m.to('running', null), (e) => isSupdError(e) && e.code === 'SUPD_E_INTERNAL' && /stopped -> running/.test(e.message));
});

test('a tick answers started only when waiting and wanted', () => {
  assert.equal(tickAnswer(snap('waiting')), 'started');
  assert.equal(tickAnswer(snap('running')), 'busy');
  assert.equal(tickAnswer(snap('stopping', { wanted: 'restart' })), 'busy');
  assert.equal(tickAnswer(snap('waiting', { wanted: 'down' })), 'not-wanted');
});

test('the steps are pure: the snapshot given is never changed, the same input gives the same output', () => {
  const before = Object.freeze(snap('running'));
  const a = step(before, { type: 'stop' }, ctx());
  const b = step(before, { type: 'stop' }, ctx());
  assert.deepEqual(a, b);
  assert.equal(before.state, 'running');
  // Each step is sub-millisecond (measured, reported; not a pass/fail figure on a shared machine).
  const worst = Math.max(...timings);
  const median = [...timings].sort((x, y) => x - y)[Math.floor(timings.length / 2)]!;
  if (process.env.LIFECYCLE_TIMINGS) console.log(`${timings.length} steps, median ${median.toFixed(4)} ms, worst ${worst.toFixed(3)} ms (the first, cold), total ${timings.reduce((x, y) => x + y, 0).toFixed(2)} ms`);
});
