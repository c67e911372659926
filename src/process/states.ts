// The states of a supervised process (SPEC section 4) and the one table of legal moves.
// Imports nothing: everything else reads this.

export type ProcessState =
  /** Not running and not wanted (or held back by depends_on). */
  | 'stopped'
  /** Spawned, not yet up for start_secs (or not yet ready). */
  | 'starting'
  /** Up for start_secs (or ready). */
  | 'running'
  /** Exited too soon; waiting out the backoff delay before the next start. */
  | 'backoff'
  /** Sent its stop signal; waiting for it to exit. */
  | 'stopping'
  /** Ended and not to be restarted (restart policy says so). */
  | 'exited'
  /** Gave up: too many restarts, or it cannot be started at all. */
  | 'fatal'
  /** A scheduled program between runs. */
  | 'waiting';

export const PROCESS_STATES: readonly ProcessState[] = ['stopped', 'starting', 'running', 'backoff', 'stopping', 'exited', 'fatal', 'waiting'];

export const TRANSITIONS: Readonly<Record<ProcessState, readonly ProcessState[]>> = {
  stopped: ['starting', 'waiting'],
  starting: ['running', 'backoff', 'stopping', 'exited', 'fatal', 'waiting', 'stopped'],
  // running -> backoff: ready, then gone before start_secs (a failed start all the same);
  // running -> stopped: its respawn held back by depends_on.
  running: ['starting', 'backoff', 'stopping', 'exited', 'fatal', 'waiting', 'stopped'],
  backoff: ['starting', 'stopped'],
  stopping: ['stopped'],
  exited: ['starting', 'stopped', 'waiting'],
  fatal: ['starting', 'stopped', 'waiting'],
  waiting: ['starting', 'stopped'],
};

/**
 * What can happen to a process (src/process/lifecycle.ts turns each into a move and effects).
 * Commands: start, stop, restart, arm (a scheduled program: wait for ticks), tick, hold
 * (depends_on: stay stopped with a reason). Answers and observations: hold-answered (may it
 * start now?), before-start-answered, spawned, spawn-failed, exited (the child is gone),
 * exit-settled (what that exit means, right after), resume (a restart's second half, once
 * stopped), ready, not-ready, and a timer that fired.
 */
export type LifecycleEventKind =
  | 'start' | 'stop' | 'restart' | 'arm' | 'tick' | 'hold' | 'resume'
  | 'hold-answered' | 'before-start-answered' | 'spawned' | 'spawn-failed' | 'exited' | 'exit-settled'
  | 'ready' | 'not-ready' | 'timer:promote' | 'timer:backoff' | 'timer:kill' | 'timer:run-timeout';

/** The commands every state takes (some only record what is wanted there: a start while stopping). */
const COMMANDS = ['start', 'stop', 'restart', 'arm', 'hold'] as const;
/** What a state with a child takes: its exit, and the stop's SIGKILL timer. */
const CHILD = [...COMMANDS, 'exited', 'exit-settled', 'timer:kill'] as const;

/** The events each state accepts; any other is ignored (a late timer, an answer for an older start). */
export const ACCEPTS: Readonly<Record<ProcessState, readonly LifecycleEventKind[]>> = {
  // resume: a restart whose child has stopped; hold-answered: a start asked depends_on.
  stopped: [...COMMANDS, 'resume', 'hold-answered'],
  // A before_start hook answering, the spawn's outcome, start_secs or ready, and their failures.
  starting: [...CHILD, 'before-start-answered', 'spawned', 'spawn-failed', 'ready', 'not-ready', 'timer:promote', 'timer:run-timeout'],
  // hold-answered: an exit after start_secs respawns, asking depends_on first.
  running: [...CHILD, 'timer:run-timeout', 'hold-answered'],
  backoff: [...COMMANDS, 'timer:backoff', 'hold-answered'],
  // spawned, spawn-failed: a stop or restart came before the spawn helper answered.
  stopping: [...CHILD, 'spawned', 'spawn-failed'],
  exited: [...COMMANDS, 'hold-answered'],
  fatal: [...COMMANDS, 'hold-answered'],
  // A tick runs it; hold-answered: a program no longer scheduled (a reload) started from here.
  waiting: [...COMMANDS, 'tick', 'hold-answered'],
};

export function accepts(state: ProcessState, event: LifecycleEventKind): boolean {
  return ACCEPTS[state].includes(event);
}

export function isLegalTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which a child process exists. */
export function hasChild(state: ProcessState): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping';
}
