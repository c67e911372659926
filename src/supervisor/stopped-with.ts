// Dependents that supd stopped because a program they depend on stopped entirely: they start
// again when that program starts. One stopped or started by hand is forgotten (left as asked).
import type { ManagedProcess } from '../process/managed-process.js';

export class StoppedWith {
  /** Process name -> the programs whose stop took it down. */
  private readonly marks = new Map<string, ReadonlySet<string>>();

  mark(name: string, programs: readonly string[]): void {
    if (programs.length > 0) this.marks.set(name, new Set(programs));
  }

  forget(name: string): void {
    this.marks.delete(name);
  }

  /** The processes to start again now that these programs start; they are forgotten. */
  release(programs: readonly string[], find: (name: string) => ManagedProcess | undefined): ManagedProcess[] {
    const released: ManagedProcess[] = [];
    for (const [name, because] of [...this.marks]) {
      if (!programs.some((p) => because.has(p))) continue;
      this.marks.delete(name);
      const proc = find(name);
      if (proc !== undefined && proc.wanted === 'down') released.push(proc);
    }
    return released;
  }
}
