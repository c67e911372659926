// What a start or stop does beyond the processes it names, by depends_on: pure, over the
// processes as they are; the supervisor carries the plan out.
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';
import { dependenciesOf, dependentsOf, type DependencyGraph } from './dependencies.js';

export interface StartPlan {
  /** The programs named. */
  readonly programs: ReadonlySet<string>;
  /** The programs they depend on (not named themselves). */
  readonly needed: readonly string[];
  /** The copies of those that are not wanted up yet: they start first. */
  readonly first: readonly ManagedProcess[];
}

export function planStart(graph: DependencyGraph, named: readonly ManagedProcess[], list: readonly ManagedProcess[]): StartPlan {
  const programs = new Set(named.map((p) => p.unit.program));
  const needed = [...programs].flatMap((p) => dependenciesOf(graph, p)).filter((p) => !programs.has(p));
  const first = list.filter((p) => needed.includes(p.unit.program) && p.wanted !== 'up');
  return { programs, needed, first };
}

export interface StopPlan {
  /** The programs named. */
  readonly programs: ReadonlySet<string>;
  /** The programs that stop entirely: no copy left wanted up. */
  readonly whole: readonly string[];
  /** The copies of their dependents still wanted up: they stop first. */
  readonly extra: readonly ManagedProcess[];
}

// Dependents stop only with the whole of a program: no copy of it left wanted up.
export function planStop(graph: DependencyGraph, targets: readonly ManagedProcess[], list: readonly ManagedProcess[]): StopPlan {
  const programs = new Set(targets.map((p) => p.unit.program));
  const stopping = new Set(targets.map((p) => p.name));
  const whole = [...programs].filter((program) => list.every((p) => p.unit.program !== program || stopping.has(p.name) || p.wanted === 'down'));
  const dependents = whole.flatMap((p) => dependentsOf(graph, p)).filter((p) => !programs.has(p));
  const extra = list.filter((p) => dependents.includes(p.unit.program) && p.wanted === 'up');
  return { programs, whole, extra };
}

/** `supd scale NAME`: the unit, or an error naming the methods when NAME is a program that has them. */
export function unitToScale(units: ReadonlyMap<string, UnitSpec>, name: string): UnitSpec | string {
  const unit = units.get(name);
  if (unit !== undefined) return unit;
  const methods = [...units.values()].filter((u) => u.program === name).map((u) => u.name);
  const hint = methods.length > 0 ? `: ${name} has methods, scale one of ${methods.join(', ')}` : '';
  return `no program or method named ${name}${hint}`;
}
