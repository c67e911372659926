// Applying a reload (SPEC section 5): the sockets bound first (or nothing changes), the
// [supervisor] keys that cannot change kept, then each unit's part: remove, add, or for a
// changed unit scale down, move the logs, restart by its restart_strategy, scale up, in that order.
import { describeUnitDiff, diffConfigs, type UnitDiff } from '../config/diff.js';
import type { SupdConfig, SupervisorSpec, UnitSpec } from '../config/types.js';
import { SupdError } from '../errors.js';
import type { Logger } from '../logs/supd-log.js';
import type { HeldSockets } from '../sockets/held-sockets.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { SupervisorEmitter } from './events.js';
import { poolRestartTimeout, restartPool, type PoolRestart } from './rolling.js';
import type { WaitOutcome } from './wait.js';

export interface ReloadResult {
  /** One line per unit: `added web`, `removed old`, `changed app.mailer (restarted 3)`, `scaled web 2 -> 4`, `unchanged api`. */
  readonly lines: readonly string[];
  /** [supervisor] keys that changed but cannot apply while supd runs. */
  readonly refused: readonly string[];
}

/** What a reload needs of the supervisor beyond its pool. */
export interface ReloadTarget {
  readonly pool: UnitPool;
  readonly units: ReadonlyMap<string, UnitSpec>;
  readonly sockets: Pick<HeldSockets, 'bind' | 'setWanted'>;
  readonly log: Logger;
  readonly applySettings?: ((settings: SupervisorSpec) => void) | undefined;
  /** Puts the processes in the new config's order and lets depends_on review what it holds back. */
  settle(unitOrder: readonly string[]): void;
}

/** The config in force, and reloads of it applied one after another, never interleaved. */
export class ConfigReloads {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    public current: SupdConfig,
    private readonly target: ReloadTarget,
  ) {}

  /** Applies a new config: only what changed, after any reload in progress (SPEC section 5, `supd reload`). */
  reload(next: SupdConfig): Promise<ReloadResult> {
    const applying = this.queue.then(() => this.apply(next));
    this.queue = applying.catch(() => undefined);
    return applying;
  }

  /** What reload(next) would print, changing nothing (`supd reload --dry-run`). */
  preview(next: SupdConfig): ReloadResult {
    const diff = diffConfigs([...this.target.units.values()], this.current.supervisor, next);
    return { lines: diff.units.map((d) => previewUnitDiff(d, this.target.pool.list())), refused: diff.refused };
  }

  private async apply(next: SupdConfig): Promise<ReloadResult> {
    const { pool, units, sockets, log } = this.target;
    await bindOrRefuse(sockets, next, log);
    try {
      const diff = diffConfigs([...units.values()], this.current.supervisor, next);
      this.current = keepFixedKeys(this.current, next);
      if (diff.supervisorChanged) this.target.applySettings?.(this.current.supervisor);
      const lines = await Promise.all(diff.units.map((d) => applyUnitDiff(d, pool)));
      this.target.settle(next.units.map((u) => u.name));
      logReload(log, lines, diff.refused);
      pool.events.emit('config:reloaded', { lines, live: diff.units.filter((d) => d.live).map((d) => d.name) });
      return { lines, refused: diff.refused };
    } finally {
      sockets.setWanted([...units.values()]);
    }
  }
}

/** What applying a unit diff needs of the supervisor. */
export interface UnitPool extends PoolRestart {
  readonly events: SupervisorEmitter;
  list(): ManagedProcess[];
  setUnit(unit: UnitSpec): void;
  deleteUnit(name: string): void;
  scaleUnit(unit: UnitSpec, start: boolean, wait: { timeoutMs: number } | null): Promise<WaitOutcome[]>;
  /** Its log settings changed: new files, the running child's pipes moved over. */
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

// Binds the sockets `next` names; one that cannot be bound refuses the whole reload (nothing changed).
async function bindOrRefuse(sockets: Pick<HeldSockets, 'bind'>, next: SupdConfig, log: Logger): Promise<void> {
  try {
    await sockets.bind(next.units, next.file);
  } catch (error) {
    const message = 'reload refused, nothing changed: a socket cannot be bound';
    const issues = [{ file: next.file, message }, ...((error as SupdError).issues ?? [])];
    const refusal = new SupdError('SUPD_E_RELOAD_REFUSED', `${message}: ${(error as Error).message}`, { issues, cause: error });
    log.error(refusal.message);
    throw refusal;
  }
}

// The config after a reload: what cannot change under a running supd keeps its old value; the rest applies.
function keepFixedKeys(old: SupdConfig, next: SupdConfig): SupdConfig {
  const { stateDir, socket, pidfile, socketGroup, socketMode } = old.supervisor;
  return Object.freeze({ ...next, supervisor: Object.freeze({ ...next.supervisor, stateDir, socket, pidfile, socketGroup, socketMode }) });
}

function logReload(log: Logger, lines: readonly string[], refused: readonly string[]): void {
  for (const line of lines) log.info(`reload: ${line}`);
  for (const key of refused) log.warn(`reload: ${key} cannot change while supd runs; restart supd to apply it`);
}
