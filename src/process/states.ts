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
  backoff: ['starting', 'stopped', 'fatal'],
  stopping: ['stopped'],
  exited: ['starting', 'stopped', 'waiting'],
  fatal: ['starting', 'stopped', 'waiting'],
  waiting: ['starting', 'stopped'],
};

export function isLegalTransition(from: ProcessState, to: ProcessState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which a child process exists. */
export function hasChild(state: ProcessState): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping';
}
