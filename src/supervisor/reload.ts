// Applying one unit's part of a reload (SPEC section 5): remove, add, or for a changed unit
// scale down, move the logs, restart by its restart_strategy, scale up, in that order.
import { describeUnitDiff, type UnitDiff } from '../config/diff.js';
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { SupervisorEmitter } from './events.js';
import { poolRestartTimeout, restartPool, type PoolRestart } from './rolling.js';
import type { WaitOutcome } from './wait.js';

/** What applying a unit diff needs of the supervisor. */
export interface UnitPool extends PoolRestart {
  readonly events: SupervisorEmitter;
  list(): ManagedProcess[];
  setUnit(unit: UnitSpec): void;
  deleteUnit(name: string): void;
  scaleUnit(unit: UnitSpec, start: boolean, wait: { timeoutMs: number } | null): Promise<WaitOutcome[]>;
  replaceOutput(proc: ManagedProcess): void;
}

/** Applies one unit's change and returns its `supd reload` line. */
export async function applyUnitDiff(diff: UnitDiff, pool: UnitPool): Promise<string> {
  const unit = diff.unit;
  if (diff.kind === 'removed') {
    await pool.scaleUnit(Object.freeze({ ...unit, processes: 0 }), false, null);
    pool.deleteUnit(unit.name);
  } else if (diff.kind === 'added') {
    await pool.scaleUnit(unit, unit.autostart, { timeoutMs: 0 });
  }
  if (diff.kind !== 'changed') return describeUnitDiff(diff, 0);
  const before = diff.scale?.from ?? unit.processes;
  const { keep, up } = affected(diff, pool.list());
  if (unit.processes < before) await pool.scaleUnit(unit, false, null);
  for (const proc of keep) proc.unit = unit;
  pool.setUnit(unit);
  if (diff.logs) for (const proc of keep) pool.replaceOutput(proc);
  if (diff.restart) await restartPool(pool, up, unit, poolRestartTimeout(unit));
  if (unit.processes > before) await pool.scaleUnit(unit, unit.autostart || keep.some((p) => p.wanted === 'up'), { timeoutMs: 0 });
  return describeUnitDiff(diff, diff.restart ? up.length : 0);
}

/** The line applyUnitDiff would return, changing nothing (`supd reload --dry-run`). */
export function previewUnitDiff(diff: UnitDiff, procs: readonly ManagedProcess[]): string {
  return describeUnitDiff(diff, diff.kind === 'changed' && diff.restart ? affected(diff, procs).up.length : 0);
}

// The copies a changed unit keeps, and those of them a definition change restarts: the wanted
// ones, but not a scheduled copy (a run going on finishes; the next tick uses the new spec).
function affected(diff: UnitDiff, procs: readonly ManagedProcess[]): { keep: ManagedProcess[]; up: ManagedProcess[] } {
  const keep = procs.filter((p) => p.unit.name === diff.unit.name && p.index < diff.unit.processes);
  return { keep, up: keep.filter((p) => p.wanted === 'up' && !p.isScheduled) };
}
