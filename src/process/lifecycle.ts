// The process lifecycle as a pure function (Horust's `next()`): a snapshot, an event and the
// time in; the next snapshot and the effects to carry out (spawn, signal, timers, state
// events, log lines) out. ManagedProcess carries the effects out; nothing here touches the
// world. Which events a state takes is the ACCEPTS table in states.ts; any other is ignored.
import {
  beforeStartAnswered, beginStart, exitSettled, exited, killTimedOut, notReady, promote,
  promoteAtStartSecs, requestStart, runTimedOut, sendStop, spawned, spawnFailed,
} from './lifecycle-run.js';
import { Move, type LifecycleEvent, type Snapshot, type StepContext, type StepResult } from './lifecycle-move.js';
import { accepts, hasChild, type LifecycleEventKind } from './states.js';

export { INITIAL, type Effect, type LastExit, type LifecycleEvent, type Snapshot, type StepContext, type StepResult, type TimerName, type Wanted } from './lifecycle-move.js';
export { describeExit, needsLeftoverCheck } from './lifecycle-run.js';

export function eventKind(event: LifecycleEvent): LifecycleEventKind {
  return event.type === 'timer' ? `timer:${event.name}` : event.type;
}

/** The next snapshot and its effects; an event the state does not accept changes nothing. */
export function step(snapshot: Snapshot, event: LifecycleEvent, ctx: StepContext): StepResult {
  if (!accepts(snapshot.state, eventKind(event))) return { state: snapshot, effects: [] };
  const m = new Move(snapshot, ctx);
  HANDLERS[event.type](m, event as never);
  return { state: m.snap, effects: m.effects };
}

type Handlers = { [T in LifecycleEvent['type']]: (m: Move, e: Extract<LifecycleEvent, { type: T }>) => void };

const HANDLERS: Handlers = {
  start,
  stop,
  restart,
  arm,
  // waiting: a scheduler tick runs it (never two runs at once: other states do not take ticks).
  tick: (m) => (m.snap.wanted === 'down' ? undefined : beginStart(m)),
  hold: (m, e) => hold(m, e.reason),
  resume,
  'hold-answered': (m, e) => {
    if (m.snap.pid !== null || m.snap.wanted === 'down') return;
    if (e.reason === null) return beginStart(m);
    m.log('info', `not starting it: ${e.reason}`);
    hold(m, e.reason);
  },
  'before-start-answered': beforeStartAnswered,
  spawned,
  'spawn-failed': spawnFailed,
  exited,
  'exit-settled': exitSettled,
  ready: (m, e) => promote(m, e.attempt),
  'not-ready': notReady,
  timer: (m, e) => TIMERS[e.name](m, e.attempt),
};

const TIMERS = {
  promote: promoteAtStartSecs,
  backoff: (m: Move) => (m.snap.wanted === 'up' ? requestStart(m) : undefined), // backoff -> starting
  kill: killTimedOut,
  'run-timeout': runTimedOut,
} as const;

// Want it up; start now unless a child is there (a scheduled program: run once now).
function start(m: Move): void {
  // A start while stopping: up again once the child has gone (as a restart), not left stopped.
  if (m.state === 'stopping') return void m.set({ wanted: 'restart' });
  m.set({ wanted: 'up' });
  if (hasChild(m.state)) return; // starting|running: already up
  m.cancelPhaseTimers();
  requestStart(m); // stopped|exited|fatal|backoff|waiting -> starting
}

// Want it down: stop signal now, SIGKILL after stop_timeout.
function stop(m: Move): void {
  m.set({ wanted: 'down' });
  if (m.state === 'stopping') return;
  if (hasChild(m.state) && (m.snap.pid !== null || m.snap.spawning)) return sendStop(m); // starting|running -> stopping
  // A before_start hook still running: abandon that start (its answer comes for an old attempt).
  if (m.state === 'starting') m.set({ attempt: m.snap.attempt + 1 });
  m.cancelPhaseTimers().to('stopped', null).set({ reason: null }); // backoff|exited|fatal|waiting|starting -> stopped
}

// Stop the child if there is one, then start again; a scheduled one between runs re-arms (waits for its tick).
function restart(m: Move): void {
  if (isBetweenRuns(m.snap, m.ctx)) return arm(m);
  if (m.state === 'stopping') return void m.set({ wanted: 'restart' });
  if (m.snap.pid === null && !m.snap.spawning) return start(m);
  m.set({ wanted: 'restart' });
  sendStop(m); // starting|running -> stopping, then (resume) starting
}

// A scheduled program: want it up and wait for its next tick.
function arm(m: Move): void {
  m.wantUp();
  if (m.state === 'stopped' || m.state === 'exited' || m.state === 'fatal') m.to('waiting', null);
}

// Hold a wanted process back (depends_on): it stays `stopped` with a reason until released.
function hold(m: Move, reason: string): void {
  m.wantUp();
  if (m.snap.pid !== null || m.snap.spawning) return; // already up: nothing to hold (a later start asks again)
  m.set({ reason });
  if (m.state === 'stopped') m.announce(reason);
  else if (m.state !== 'waiting') m.cancelPhaseTimers().to('stopped', reason); // starting|running|backoff|exited|fatal -> stopped
}

// stopped, a restart pending: start again (a scheduled program waits for its tick).
function resume(m: Move): void {
  if (m.snap.wanted !== 'restart') return; // a stop (or start) came in between
  m.set({ wanted: 'up' });
  if (m.scheduled) m.to('waiting', null);
  else requestStart(m);
}

/** The commands that could start a process again: one retired (beyond its count) ignores them. */
export const REVIVING: ReadonlySet<LifecycleEvent['type']> = new Set(['start', 'restart', 'arm', 'tick', 'hold']);

/** A scheduled program with no run going: a restart re-arms it, never runs it (only `start` does). */
export function isBetweenRuns(snap: Snapshot, ctx: Pick<StepContext, 'unit'>): boolean {
  return ctx.unit.schedule !== null && snap.pid === null && !snap.spawning && snap.state !== 'stopping';
}

/** What a scheduler tick does: runs it when waiting, never two runs at once. */
export function tickAnswer(snap: Snapshot): 'started' | 'busy' | 'not-wanted' {
  if (snap.wanted === 'down') return 'not-wanted';
  return snap.state === 'waiting' ? 'started' : 'busy';
}
