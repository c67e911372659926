// The run half of the lifecycle: starting a child, promoting it, stopping it, and what its exit
// means (restart, backoff, give up). Pure: each function writes into a Move.
import { decideAfterExit, isSuccessfulExit, recordRespawn, stayedUp, type ExitDecision } from './decide.js';
import { execFailureHint } from './exit-reason.js';
import type { LifecycleEvent, Move, Snapshot, StepContext } from './lifecycle-move.js';

type Of<T extends LifecycleEvent['type']> = Extract<LifecycleEvent, { type: T }>;

/** A start: a scheduled run goes at once; any other asks depends_on first (every start, not only the first). */
export function requestStart(m: Move): void {
  if (m.scheduled) beginStart(m);
  else m.emit({ kind: 'check-hold' });
}

// stopped|exited|fatal|backoff|running|waiting -> starting; the before_start hook first, if any.
export function beginStart(m: Move): void {
  m.to('starting', null);
  const { starts, restarts, attempt } = m.snap;
  m.set({ starts: starts + 1, restarts: starts > 0 ? restarts + 1 : restarts, attempt: attempt + 1 });
  if (m.ctx.unit.hooks?.beforeStart == null) askSpawn(m);
  else m.emit({ kind: 'before-start', attempt: m.snap.attempt });
}

export function beforeStartAnswered(m: Move, e: Of<'before-start-answered'>): void {
  if (e.attempt !== m.snap.attempt || m.snap.wanted !== 'up' || m.snap.pid !== null || m.snap.spawning) return;
  if (e.refusal === null) askSpawn(m);
  else failStart(m, e.refusal);
}

// Its answer (spawned or spawn-failed) may come at once or later; until then a stop or a restart
// moves it to stopping, and the child is stopped as soon as it is there.
function askSpawn(m: Move): void {
  m.set({ spawning: true }).emit({ kind: 'spawn', attempt: m.snap.attempt });
}

// Up for start_secs, or ready when `ready` says so (a scheduled run counts as running at once).
// Stopping already (a stop or restart came while it was being spawned): stopped at once.
export function spawned(m: Move, e: Of<'spawned'>): void {
  const { unit, now } = m.ctx;
  m.set({ pid: e.pid, spawning: false, startedAt: now, reason: null }).emit({ kind: 'child-started', pid: e.pid });
  if (m.state === 'stopping') return signalThenKill(m);
  const attempt = m.snap.attempt;
  if (unit.ready !== null && !m.scheduled) m.emit({ kind: 'watch-ready', attempt });
  else if (unit.startSecsMs === 0 || m.scheduled) m.emit({ kind: 'then', event: { type: 'ready', attempt } });
  else m.arm('promote', unit.startSecsMs);
  if (m.scheduled && unit.timeoutMs !== null) m.arm('run-timeout', unit.timeoutMs);
}

function isCurrentChild(m: Move, attempt: number): boolean {
  return attempt === m.snap.attempt && m.snap.pid !== null;
}

// starting -> running. Not once it exited: an exit still waiting for its output (a grandchild
// holding the pipes, a slow disk) happened before start_secs, and counts so.
export function promote(m: Move, attempt: number): void {
  if (!isCurrentChild(m, attempt) || m.ctx.childGone) return;
  // Ready before start_secs: running, but the backoff resets only if it lasts (decide.ts stayedUp).
  if (uptime(m.snap, m.ctx) >= m.ctx.unit.startSecsMs) m.set({ consecutiveFailures: 0 });
  m.to('running', null);
}

// start_secs passed; a timer may fire a little before the clock says so: wait out the rest.
export function promoteAtStartSecs(m: Move, attempt: number): void {
  if (!isCurrentChild(m, attempt)) return;
  const left = m.ctx.unit.startSecsMs - uptime(m.snap, m.ctx);
  if (left > 0) m.arm('promote', left);
  else promote(m, attempt);
}

export function notReady(m: Move, e: Of<'not-ready'>): void {
  if (!isCurrentChild(m, e.attempt)) return;
  const reason = `not ready within ${m.ctx.unit.ready?.timeoutMs} ms${e.lastFailure === null ? '' : ` (${e.lastFailure})`}`;
  m.set({ reason }).log('warn', `${reason}: stopping it as a failed start`);
  signalThenKill(m);
}

export function runTimedOut(m: Move, attempt: number): void {
  if (!isCurrentChild(m, attempt)) return;
  const reason = `run killed after its timeout of ${m.ctx.unit.timeoutMs} ms`;
  m.set({ reason }).log('warn', reason);
  signalThenKill(m);
}

// starting|running -> stopping: stop_signal now, SIGKILL after stop_timeout (or once it is
// there, when its spawn has not answered yet).
export function sendStop(m: Move): void {
  if (m.snap.pid === null && !m.snap.spawning) return;
  m.cancelPhaseTimers().to('stopping', null);
  if (m.snap.pid !== null) signalThenKill(m);
}

function signalThenKill(m: Move): void {
  const { stopSignal, stopTimeoutMs, killMode } = m.ctx.unit;
  const pid = m.snap.pid!;
  m.log('info', `stopping: sent ${stopSignal} to pid ${pid}, SIGKILL after ${stopTimeoutMs} ms`);
  m.emit({ kind: 'signal', pid, signal: stopSignal, to: killMode === 'group' ? 'all' : 'main' });
  m.arm('kill', stopTimeoutMs);
}

export function killTimedOut(m: Move, attempt: number): void {
  if (!isCurrentChild(m, attempt)) return;
  const { stopSignal, stopTimeoutMs, killMode } = m.ctx.unit;
  m.log('warn', `did not exit within ${stopTimeoutMs} ms of ${stopSignal}: sending SIGKILL`);
  m.emit({ kind: 'signal', pid: m.snap.pid!, signal: 'SIGKILL', to: killMode === 'process' ? 'main' : 'all' });
}

function uptime(snap: Snapshot, ctx: StepContext): number {
  return ctx.now - (snap.startedAt ?? ctx.now);
}

// The child is gone: the bookkeeping now, what it means in the next step (exit-settled), so the
// host hears of the exit while the state is still the one it ran in.
export function exited(m: Move, e: Of<'exited'>): void {
  const uptimeMs = uptime(m.snap, m.ctx);
  const pid = m.snap.pid!;
  m.cancelPhaseTimers().emit({ kind: 'unwatch-ready' });
  m.set({ pid: null, lastExit: { code: e.code, signal: e.signal, at: m.ctx.now, durationMs: uptimeMs } });
  m.emit({ kind: 'child-exited', pid, code: e.code, signal: e.signal, uptimeMs });
  const { code, signal, leftover, lastLine } = e;
  m.emit({ kind: 'then', event: { type: 'exit-settled', code, signal, leftover, lastLine, uptimeMs, wasRunning: m.state === 'running' } });
}

/** Whether an exit must be asked about what it left running: status 0 within start_secs, wanted up. */
export function needsLeftoverCheck(snap: Snapshot, code: number | null, ctx: StepContext): boolean {
  if (snap.state === 'stopping' || ctx.unit.schedule !== null || code !== 0 || snap.wanted !== 'up') return false;
  return !stayedUp({ wasRunning: snap.state === 'running', uptimeMs: uptime(snap, ctx) }, ctx.unit);
}

export function exitSettled(m: Move, e: Of<'exit-settled'>): void {
  // Ready is not enough: a run shorter than start_secs is a failed start (and cannot have been a daemon in the foreground).
  const held = stayedUp(e, m.ctx.unit);
  if (m.state === 'stopping') return stoppedAsAsked(m, held);
  if (m.scheduled) return void m.to(m.snap.wanted === 'down' ? 'stopped' : 'waiting', null); // starting|running -> waiting
  if (e.leftover !== null) {
    // Respawning would start a second copy beside the one it left: give up and say why.
    const reason = `it daemonized itself: exited at once with status 0, leaving pid ${e.leftover} running; run it in the foreground (no --daemon/fork option)`;
    return void m.set({ reason }).log('error', reason).to('fatal', reason); // starting -> fatal
  }
  // An exit before `running` (or ready, then gone within start_secs) is a failed start: its
  // reason says how, and what it last said, unless supd already said why it ended it (not
  // ready in time, a run's timeout). An on-failure program's success exit is no failure.
  const ended = m.ctx.unit.restart === 'on-failure' && isSuccessfulExit(e, m.ctx.unit.successExitCodes);
  const failure = held || ended ? null : (m.snap.reason ?? describeExit(e.code, e.signal, e.lastLine ?? execFailureHint(e.code)));
  applyDecision(m, decide(m, e.code, e.signal, e.uptimeMs, e.wasRunning), failure);
}

// stopping -> stopped; a restart then starts again (resume, the next step).
function stoppedAsAsked(m: Move, held: boolean): void {
  if (held) m.set({ consecutiveFailures: 0 });
  m.to('stopped', null);
  if (m.snap.wanted === 'restart') m.emit({ kind: 'then', event: { type: 'resume' } });
}

// A spawn that failed while it was being stopped (stopping -> stopped, then a restart resumes).
export function spawnFailed(m: Move, e: Of<'spawn-failed'>): void {
  m.set({ spawning: false });
  if (m.state !== 'stopping') return failStart(m, e.reason);
  noChild(m, e.reason);
  stoppedAsAsked(m, false);
}

// A start that produced no child: a run of no length, and why in supd.log.
function noChild(m: Move, reason: string): void {
  m.set({ lastExit: { code: null, signal: null, at: m.ctx.now, durationMs: 0 } }).log('error', `cannot start: ${reason}`);
}

// A start that never produced a child counts as an exit before start_secs.
export function failStart(m: Move, reason: string): void {
  noChild(m.set({ reason }), reason);
  if (m.scheduled) return void m.to('waiting', reason); // starting -> waiting
  applyDecision(m, decide(m, null, null, 0, false), reason);
}

function decide(m: Move, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number, wasRunning: boolean): ExitDecision {
  const { consecutiveFailures, respawnTimes, wanted } = m.snap;
  return decideAfterExit({ code, signal, uptimeMs, wasRunning }, wanted === 'up', m.ctx.unit, { consecutiveFailures, respawnTimes }, m.ctx.now, m.ctx.random);
}

function applyDecision(m: Move, decision: ExitDecision, reason: string | null): void {
  const { now, unit } = m.ctx;
  const joined = (why: string): string => (reason === null ? why : `${reason}; ${why}`);
  switch (decision.next) {
    case 'stopped':
      return void m.to('stopped', reason); // starting|running -> stopped (wanted down without a stop)
    case 'exited':
      return void m.set({ reason: joined(decision.reason) }).to('exited', m.snap.reason); // starting|running -> exited
    case 'fatal':
      m.set({ reason: joined(decision.reason) }).log('error', `giving up: ${m.snap.reason}`);
      return void m.to('fatal', m.snap.reason); // starting|running -> fatal
    case 'starting':
      m.set({ respawnTimes: recordRespawn(m.snap.respawnTimes, now, unit.restartWindowMs), consecutiveFailures: 0 });
      return requestStart(m); // running -> starting, once depends_on says so
    case 'backoff':
      m.set({ respawnTimes: recordRespawn(m.snap.respawnTimes, now, unit.restartWindowMs), consecutiveFailures: decision.consecutiveFailures, reason });
      m.to('backoff', reason); // starting|running -> backoff (running: ready, then gone before start_secs)
      m.log('info', `exited too soon (${decision.consecutiveFailures} in a row): next start in ${decision.delayMs} ms`);
      return void m.arm('backoff', decision.delayMs);
  }
}

/** `exit 1: PermissionError: [Errno 13] Permission denied`, `killed by SIGSEGV`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, lastLine: string | null): string {
  const how = signal !== null ? `killed by ${signal}` : `exit ${code}`;
  return lastLine === null ? how : `${how}: ${lastLine}`;
}
