// Waiting for processes to reach a state: a command subscribes before it acts (so no move
// is missed), then settles once every process is done, has failed, or the time is up (on the
// supervisor's clock).
import { formatDuration } from '../config/units.js';
import type { Clock } from '../process/clock.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { ProcessState } from '../process/states.js';
import type { SupervisorEmitter } from './events.js';

export interface WaitOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly state: ProcessState | 'removed';
  readonly message?: string;
  /** Why a process not named by the command is in the outcome (`depends on postgres`). */
  readonly note?: string;
}

export interface WaitSpec {
  readonly done: readonly ProcessState[];
  readonly failed: readonly ProcessState[];
  readonly timeoutMs: number;
  /** What a process that is not done yet waits for, said when the time runs out. */
  readonly describe?: (proc: ManagedProcess) => string;
}

/** What waiting listens to: the supervisor's events and clock. */
export interface WaitSource {
  readonly events: SupervisorEmitter;
  readonly clock: Clock;
}

export interface PendingWait {
  /** Resolves once all processes are settled; `currentCounts`: a process already in a done state counts. */
  settle(currentCounts: boolean): Promise<WaitOutcome[]>;
}

export const START_DONE: readonly ProcessState[] = ['running', 'waiting'];
export const START_FAILED: readonly ProcessState[] = ['backoff', 'fatal', 'exited'];
export const STOP_DONE: readonly ProcessState[] = ['stopped', 'exited', 'fatal'];

export function waitForStates(source: WaitSource, procs: readonly ManagedProcess[], spec: WaitSpec): PendingWait {
  const outcomes = new Map<string, WaitOutcome>();
  const byName = new Set(procs.map((p) => p.name));
  let finish: (() => void) | null = null;
  const record = (name: string, outcome: WaitOutcome): void => {
    if (outcomes.has(name) || !byName.has(name)) return;
    outcomes.set(name, outcome);
    if (outcomes.size === byName.size) finish?.();
  };
  const unsubscribe = listen(source.events, spec, record);
  return {
    settle(currentCounts) {
      if (currentCounts) for (const proc of procs) if (spec.done.includes(proc.state)) record(proc.name, { name: proc.name, ok: true, state: proc.state });
      return new Promise<WaitOutcome[]>((resolve) => {
        const cancel = source.clock.schedule(() => finish?.(), spec.timeoutMs);
        finish = () => {
          cancel();
          unsubscribe();
          finish = null;
          resolve(procs.map((p) => outcomes.get(p.name) ?? timedOut(p, spec)));
        };
        if (outcomes.size === byName.size) finish();
      });
    },
  };
}

// Records each move into a done or failed state, and each removal; returns the unsubscribe.
function listen(events: SupervisorEmitter, spec: WaitSpec, record: (name: string, outcome: WaitOutcome) => void): () => void {
  const onState = ({ name, to, reason }: { name: string; to: ProcessState; reason: string | null }): void => {
    if (spec.done.includes(to)) record(name, { name, ok: true, state: to });
    else if (spec.failed.includes(to)) record(name, { name, ok: false, state: to, message: reason ?? `went to ${to}` });
  };
  const onRemoved = ({ name }: { name: string }): void => {
    const ok = spec.done.includes('stopped');
    record(name, { name, ok, state: 'removed', ...(ok ? {} : { message: 'removed' }) });
  };
  events.on('process:state', onState);
  events.on('process:removed', onRemoved);
  return () => {
    events.off('process:state', onState);
    events.off('process:removed', onRemoved);
  };
}

function timedOut(proc: ManagedProcess, spec: WaitSpec): WaitOutcome {
  const why = spec.describe === undefined ? '' : `, ${spec.describe(proc)}`;
  return { name: proc.name, ok: false, state: proc.state, message: `timed out after ${formatDuration(spec.timeoutMs)}: still ${proc.state}${why}` };
}

/** Acts on the processes; with `wait`, resolves once each is done, has failed, or the time is up. */
export function actAndWait(
  source: WaitSource,
  procs: readonly ManagedProcess[],
  action: (proc: ManagedProcess) => void,
  wait: { timeoutMs: number } | null,
  spec: Omit<WaitSpec, 'timeoutMs'> & { readonly currentCounts: boolean },
): Promise<WaitOutcome[]> {
  const waiting = wait === null ? null : waitForStates(source, procs, { ...spec, timeoutMs: wait.timeoutMs });
  for (const proc of procs) action(proc);
  if (waiting === null) return Promise.resolve(procs.map((p) => ({ name: p.name, ok: true, state: p.state })));
  return waiting.settle(spec.currentCounts);
}
