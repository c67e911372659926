// depends_on at every start (first start, respawn, restart): a process whose dependencies are
// not all running is held back (`stopped`, wanted up, with the reason in status) and released
// as soon as they are.
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';

export type BringUp = 'start' | 'arm';

export class DependencyGate {
  /** Processes wanted up but held back, and how they are to come up. */
  private readonly heldBack = new Map<string, BringUp>();

  constructor(
    private readonly list: () => readonly ManagedProcess[],
    private readonly find: (name: string) => ManagedProcess | undefined,
  ) {}

  /** Starts (or arms, for a scheduled program) a process now, or holds it back. */
  bringUp(proc: ManagedProcess, how: BringUp): void {
    const waitingFor = this.unmet(proc.unit);
    if (waitingFor.length > 0) {
      this.heldBack.set(proc.name, how);
      proc.holdBack(this.describe(waitingFor));
      return;
    }
    this.heldBack.delete(proc.name);
    if (how === 'arm') proc.arm();
    else proc.start();
  }

  /** Before any start of a process: why it must wait (and it is held until released), or null. */
  holdReason(proc: ManagedProcess): string | null {
    const waitingFor = this.unmet(proc.unit);
    if (waitingFor.length === 0) return null;
    this.heldBack.set(proc.name, 'start');
    return this.describe(waitingFor);
  }

  /** A process came up (or a dependency failed): release or re-explain whatever waits. */
  review(): void {
    for (const [name, how] of [...this.heldBack]) {
      const proc = this.find(name);
      if (proc === undefined || proc.wanted !== 'up' || proc.state !== 'stopped') this.heldBack.delete(name);
      else this.bringUp(proc, how);
    }
  }

  get isEmpty(): boolean {
    return this.heldBack.size === 0;
  }

  // A dependency is met when every copy wanted up is running (or waiting for its schedule) and
  // one is: a copy stopped by hand (`supd stop web:1`) holds nothing back.
  private unmet(unit: UnitSpec): string[] {
    const up = (p: ManagedProcess): boolean => p.state === 'running' || p.state === 'waiting';
    const ready = (program: string): boolean => {
      const copies = this.list().filter((p) => p.unit.program === program);
      return copies.every((p) => up(p) || (p.wanted === 'down' && p.state === 'stopped')) && (copies.length === 0 || copies.some(up));
    };
    return unit.dependsOn.filter((dep) => !ready(dep));
  }

  private describe(programs: readonly string[]): string {
    const fatal = programs.filter((program) => this.list().some((p) => p.unit.program === program && p.state === 'fatal'));
    if (fatal.length > 0) return `dependency ${fatal.join(', ')} is fatal`;
    return `waiting for ${programs.join(', ')}`;
  }
}
