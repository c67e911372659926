// The data of the process lifecycle (snapshot, events, effects) and the builder a step writes
// its move with: every state change goes through `to`, which checks the one TRANSITIONS table.
import type { UnitSpec } from '../config/types.js';
import { SupdError } from '../errors.js';
import { hasChild, isLegalTransition, type ProcessState } from './states.js';

export interface LastExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
  /** How long that run lasted. */
  readonly durationMs: number;
}

/** What the admin wants: up, down, or up again once the child now stopping has gone (a restart). */
export type Wanted = 'up' | 'down' | 'restart';

/** Everything the lifecycle knows of one process: plain data, replaced whole by each step. */
export interface Snapshot {
  readonly state: ProcessState;
  readonly wanted: Wanted;
  readonly pid: number | null;
  /** A spawn was asked for and has not answered yet (the spawn helper forks on its own time). */
  readonly spawning: boolean;
  readonly startedAt: number | null;
  /** Bumped at every start attempt, so a late answer (a hook, a timer) for an older one is ignored. */
  readonly attempt: number;
  readonly starts: number;
  /** Every start after the first, whatever the cause. */
  readonly restarts: number;
  /** Exits in a row that came before start_secs. */
  readonly consecutiveFailures: number;
  readonly respawnTimes: readonly number[];
  /** Why the process is where it is, when that is not obvious (a failed start, fatal, held back). */
  readonly reason: string | null;
  readonly lastExit: LastExit | null;
}

export const INITIAL: Snapshot = Object.freeze({
  state: 'stopped', wanted: 'down', pid: null, spawning: false, startedAt: null, attempt: 0, starts: 0, restarts: 0,
  consecutiveFailures: 0, respawnTimes: [], reason: null, lastExit: null,
});

export type TimerName = 'promote' | 'backoff' | 'kill' | 'run-timeout';

export interface ExitFacts {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** A process it left running when it exited at once with status 0 (it daemonized itself), if asked. */
  readonly leftover: number | null;
  /** The last line it wrote to stderr, for a failed start's reason. */
  readonly lastLine: string | null;
}

export type LifecycleEvent =
  | { readonly type: 'start' | 'stop' | 'restart' | 'arm' | 'tick' | 'resume' }
  | { readonly type: 'hold'; readonly reason: string }
  | { readonly type: 'hold-answered'; readonly reason: string | null }
  | { readonly type: 'before-start-answered'; readonly attempt: number; readonly refusal: string | null }
  | { readonly type: 'spawned'; readonly pid: number }
  | { readonly type: 'spawn-failed'; readonly reason: string }
  | ({ readonly type: 'exited' } & ExitFacts)
  | ({ readonly type: 'exit-settled'; readonly uptimeMs: number; readonly wasRunning: boolean } & ExitFacts)
  | { readonly type: 'ready'; readonly attempt: number }
  | { readonly type: 'not-ready'; readonly attempt: number; readonly lastFailure: string | null }
  | { readonly type: 'timer'; readonly name: TimerName; readonly attempt: number };

export type Effect =
  /** Ask depends_on whether it may start now; answer with hold-answered. */
  | { readonly kind: 'check-hold' }
  | { readonly kind: 'before-start'; readonly attempt: number }
  | { readonly kind: 'spawn'; readonly attempt: number }
  /** Wire the new child: its output, the registry, its exit. */
  | { readonly kind: 'child-started'; readonly pid: number }
  | { readonly kind: 'watch-ready'; readonly attempt: number }
  | { readonly kind: 'unwatch-ready' }
  | { readonly kind: 'child-exited'; readonly pid: number; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly uptimeMs: number }
  | { readonly kind: 'signal'; readonly pid: number; readonly signal: NodeJS.Signals; readonly to: 'main' | 'all' }
  | { readonly kind: 'arm'; readonly timer: TimerName; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'cancel'; readonly timer: TimerName }
  | { readonly kind: 'state'; readonly from: ProcessState; readonly to: ProcessState; readonly reason: string | null }
  | { readonly kind: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string }
  /** The next event, once these effects are carried out (a second move, seen apart from the first). */
  | { readonly kind: 'then'; readonly event: LifecycleEvent };

/** What a step reads of the unit. */
export type LifecycleUnit = Pick<UnitSpec, 'schedule' | 'startSecsMs' | 'ready' | 'timeoutMs' | 'stopSignal' | 'stopTimeoutMs' | 'killMode' | 'hooks' | 'restart' | 'successExitCodes' | 'backoff' | 'maxRestarts' | 'restartWindowMs'>;

export interface StepContext {
  readonly now: number;
  readonly unit: LifecycleUnit;
  /** In [0, 1): spreads a backoff delay. */
  readonly random: number;
  /** The kernel reported the child's exit, not yet delivered (a run that ended is not promoted). */
  readonly childGone: boolean;
}

export interface StepResult {
  readonly state: Snapshot;
  readonly effects: readonly Effect[];
}

/** One step's move under construction: the new snapshot and its effects, in order. */
export class Move {
  readonly effects: Effect[] = [];

  constructor(public snap: Snapshot, readonly ctx: StepContext) {}

  get state(): ProcessState {
    return this.snap.state;
  }

  get scheduled(): boolean {
    return this.ctx.unit.schedule !== null;
  }

  set(patch: Partial<Snapshot>): this {
    this.snap = { ...this.snap, ...patch };
    return this;
  }

  emit(effect: Effect): this {
    this.effects.push(effect);
    return this;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): this {
    return this.emit({ kind: 'log', level, message });
  }

  /** Want it up (a pending restart stays pending). */
  wantUp(): this {
    return this.set({ wanted: this.snap.wanted === 'down' ? 'up' : this.snap.wanted });
  }

  /** The only way a state changes: checked against TRANSITIONS; a move to where it is says nothing. */
  to(state: ProcessState, reason: string | null): this {
    const from = this.snap.state;
    if (from === state) return this;
    if (!isLegalTransition(from, state)) throw new SupdError('SUPD_E_INTERNAL', `illegal transition ${from} -> ${state}`);
    this.set({ state });
    if (!hasChild(state)) this.emit({ kind: 'cancel', timer: 'kill' });
    return this.emit({ kind: 'state', from, to: state, reason });
  }

  /** The same state again, with a new reason (held back by depends_on while already stopped). */
  announce(reason: string): this {
    return this.emit({ kind: 'state', from: this.snap.state, to: this.snap.state, reason });
  }

  /** The timers of a phase: start_secs, backoff, a scheduled run's timeout (not the stop's SIGKILL). */
  cancelPhaseTimers(): this {
    for (const timer of ['promote', 'backoff', 'run-timeout'] as const) this.emit({ kind: 'cancel', timer });
    return this;
  }

  arm(timer: TimerName, delayMs: number): this {
    return this.emit({ kind: 'arm', timer, delayMs, attempt: this.snap.attempt });
  }
}
