// The supervisor's processes and the units they are copies of, by name, in config order: who
// is there, not what they do. Each process added or removed is an event (logs follow them).
import type { UnitSpec } from '../config/types.js';
import { ManagedProcess, type ProcessHost } from '../process/managed-process.js';
import { hasChild } from '../process/states.js';
import type { SupervisorEmitter } from './events.js';
import type { UnitPool } from './reload.js';
import { matchTargets, type TargetMatch } from './targets.js';

export class ProcessTable {
  readonly units = new Map<string, UnitSpec>();
  private readonly processes = new Map<string, ManagedProcess>();

  constructor(
    units: readonly UnitSpec[],
    private readonly host: ProcessHost,
    private readonly events: SupervisorEmitter,
  ) {
    for (const unit of units) this.units.set(unit.name, unit);
  }

  list(): ManagedProcess[] {
    return [...this.processes.values()];
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  /** The processes of these names that are there, in the order given. */
  find(names: readonly string[]): ManagedProcess[] {
    return names.map((n) => this.processes.get(n)).filter((p): p is ManagedProcess => p !== undefined);
  }

  copiesOf(unitName: string): ManagedProcess[] {
    return this.list().filter((p) => p.unit.name === unitName);
  }

  /** What a command's targets name; copies being retired (beyond their count) are no command's target. */
  resolveTargets(targets: readonly string[]): TargetMatch {
    const procs = this.list().filter((p) => !p.retired).map((p) => ({ name: p.name, unit: p.unit.name, program: p.unit.program }));
    return matchTargets(targets, procs, [...this.units.values()]);
  }

  add(unit: UnitSpec, index: number): ManagedProcess {
    const proc = new ManagedProcess(unit, index, this.host);
    this.processes.set(proc.name, proc);
    this.events.emit('process:added', { name: proc.name });
    return proc;
  }

  remove(proc: ManagedProcess): void {
    if (this.processes.get(proc.name) !== proc) return;
    this.processes.delete(proc.name);
    this.events.emit('process:removed', { name: proc.name });
  }

  /** Keeps status in config order after units were added or removed. */
  reorder(unitOrder: readonly string[]): void {
    const rank = new Map(unitOrder.map((name, i) => [name, i]));
    const sorted = this.list().sort((a, b) => (rank.get(a.unit.name) ?? 0) - (rank.get(b.unit.name) ?? 0) || a.index - b.index);
    this.processes.clear();
    for (const proc of sorted) this.processes.set(proc.name, proc);
  }

  /** The table's part of what a reload and a rolling restart change (reload.ts UnitPool). */
  poolPart(): Pick<UnitPool, 'list' | 'setUnit' | 'deleteUnit' | 'replaceOutput' | 'addSurge' | 'removeSurge'> {
    return {
      list: () => this.list(),
      setUnit: (unit) => this.units.set(unit.name, unit),
      deleteUnit: (name) => this.units.delete(name),
      replaceOutput: (proc) => this.events.emit('process:output-changed', { name: proc.name }),
      addSurge: (unit) => this.add(unit, Math.max(unit.processes, ...this.copiesOf(unit.name).map((p) => p.index + 1))),
      removeSurge: (proc) => (hasChild(proc.state) ? undefined : this.remove(proc)),
    };
  }
}
