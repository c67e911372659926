// The narrow faces of a running supervisor: what status, reports, metrics and describe read
// (SupervisorView, read-only), and what the control handlers may ask of it (SupervisorControl).
// Neither is the Supervisor class: compose.ts puts them together from its parts.
import type { SupdConfig } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { SupervisorEmitter } from './events.js';
import type { StatusLookups } from './status.js';
import type { TargetMatch } from './targets.js';
import type { WaitOutcome } from './wait.js';

/** One process as readers see it: its facts, none of its commands. */
export type ProcessView = Readonly<
  Pick<ManagedProcess, 'name' | 'index' | 'unit' | 'state' | 'wanted' | 'pid' | 'startedAt' | 'restarts' | 'watchRestarts' | 'lastExit' | 'reason' | 'uptimeMs' | 'isScheduled'>
>;

export interface SupervisorView extends StatusLookups {
  readonly events: SupervisorEmitter;
  readonly startedAt: number;
  readonly currentConfig: SupdConfig;
  readonly isShuttingDown: boolean;
  now(): number;
  list(): readonly ProcessView[];
  get(name: string): ProcessView | undefined;
}

/** How long a command waits for its processes to get where it wants them, or null: not at all. */
export type WaitFor = { readonly timeoutMs: number } | null;

export interface SupervisorControl {
  resolveTargets(targets: readonly string[]): TargetMatch;
  start(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]>;
  stop(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]>;
  restart(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]>;
  signal(names: readonly string[], signal: NodeJS.Signals, group?: boolean): WaitOutcome[];
  scale(unitName: string, count: number, wait: WaitFor): Promise<{ line: string; outcomes: WaitOutcome[] }>;
}
