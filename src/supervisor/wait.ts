// Waiting for processes to reach a state: a command subscribes before it acts (so no move
// is missed), then settles once every process is done, has failed, or the time is up.
import { formatDuration } from '../config/units.js';
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
  readonly currentCounts: boolean;
  readonly timeoutMs: number;
  /** What a process that is not done yet waits for, said when the time runs out. */
  readonly describe?: (proc: ManagedProcess) => string;
}

export interface PendingWait {
  /** Resolves once all processes are settled; `currentCounts`: a process already in a done state counts. */
  settle(currentCounts: boolean): Promise<WaitOutcome[]>;
}

export function waitForStates(events: SupervisorEmitter, procs: readonly ManagedProcess[], spec: WaitSpec): PendingWait {
  const outcomes = new Map<string, WaitOutcome>();
  const byName = new Map(procs.map((p) => [p.name, p]));
  let finish: (() => void) | null = null;
  const record = (name: string, outcome: WaitOutcome): void => {
    if (outcomes.has(name) || !byName.has(name)) return;
    outcomes.set(name, outcome);
    if (outcomes.size === byName.size) finish?.();
  };
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
  return {
    settle(currentCounts) {
      if (currentCounts) for (const proc of procs) if (spec.done.includes(proc.state)) record(proc.name, { name: proc.name, ok: true, state: proc.state });
      return new Promise<WaitOutcome[]>((resolve) => {
        const timer = setTimeout(() => finish?.(), spec.timeoutMs);
        finish = () => {
          clearTimeout(timer);
          events.off('process:state', onState);
          events.off('process:removed', onRemoved);
          finish = null;
          resolve(
            procs.map(
              (p) =>
                outcomes.get(p.name) ?? {
                  name: p.name,
                  ok: false,
                  state: p.state,
                  message: `timed out after ${formatDuration(spec.timeoutMs)}: still ${p.state}${spec.describe === undefined ? '' : `, ${spec.describe(p)}`}`,
                },
            ),
          );
        };
        if (outcomes.size === byName.size) finish();
      });
    },
  };
}
