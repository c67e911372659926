// Reading /proc: a process's start time (to tell a reused pid from ours) and the resident
// memory of a process and all its descendants.
import { readFileSync } from 'node:fs';

const PAGE_SIZE = 4096;

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if gone. */
export function readStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** Process state letter (R, S, Z...) from /proc/PID/stat, or null if gone. */
export function readProcState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

function readRss(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8');
    return Number(statm.split(' ')[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

function readChildren(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks === '' ? [] : tasks.split(' ').map(Number);
  } catch {
    return [];
  }
}

/** RSS in bytes of a process and every descendant (one statm read each), or null if gone. */
export function readTreeRss(pid: number): number | null {
  const own = readRss(pid);
  if (own === 0 && readStartTime(pid) === null) return null;
  let total = own;
  const queue = readChildren(pid);
  for (let i = 0; i < queue.length && i < 10_000; i++) {
    const child = queue[i]!;
    total += readRss(child);
    queue.push(...readChildren(child));
  }
  return total;
}
