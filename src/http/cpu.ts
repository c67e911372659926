// supd_process_cpu_seconds_total: user + system time of a process's main pid and the children
// it waited for (/proc/<pid>/stat utime, stime, cutime, cstime), summed across its restarts so
// the counter never goes back: a new pid adds to what the last one was last seen at.
import { readCpuTicks } from '../process/proc.js';

/** Linux reports these times in USER_HZ, 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface Seen {
  pid: number | null;
  /** Seconds of the current pid when last read. */
  current: number;
  /** Seconds of the pids before it. */
  before: number;
}

export class CpuTotals {
  private readonly seen = new Map<string, Seen>();

  /** The total for a process now (reading its pid's stat), or null for one never seen running. */
  read(name: string, pid: number | null): number | null {
    let entry = this.seen.get(name);
    if (pid === null && entry === undefined) return null;
    entry ??= { pid: null, current: 0, before: 0 };
    this.seen.set(name, entry);
    if (pid !== null && pid !== entry.pid) {
      entry.before += entry.current;
      entry.current = 0;
      entry.pid = pid;
    }
    if (pid !== null) entry.current = Math.max(entry.current, readCpuSeconds(pid) ?? 0);
    return Math.round((entry.before + entry.current) * 100) / 100;
  }

  /** Forgets the processes not in this list (removed by a reload or a scale down). */
  keepOnly(names: ReadonlySet<string>): void {
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }
}

export function readCpuSeconds(pid: number): number | null {
  const ticks = readCpuTicks(pid);
  return ticks === null ? null : ticks / TICKS_PER_SECOND;
}
