// Memory figures for `supd status`, read at most once every MAX_AGE_MS per process tree. A
// tree's read is one smaps_rollup (the kernel walks every mapping) and one children file per
// member, 40-70 us each here: with 5,000 processes that is 250-350 ms of the daemon's answer,
// and every `status` paid it again. Repeated asks within MAX_AGE_MS (a watch loop, a script
// that asks status and then status --json) get the figures of the first.
import { readTreeMemory, type TreeMemory } from './proc.js';

export const MAX_AGE_MS = 5000;

interface Entry {
  readonly at: number;
  readonly memory: TreeMemory | null;
}

const cache = new Map<number, Entry>();
let sweepAt = 1024;

/** The memory of `pid`'s tree as read at most MAX_AGE_MS ago (null: the process is gone). */
export function recentTreeMemory(pid: number, now = Date.now()): TreeMemory | null {
  const hit = cache.get(pid);
  if (hit !== undefined && now - hit.at < MAX_AGE_MS) return hit.memory;
  const memory = readTreeMemory(pid);
  cache.set(pid, { at: now, memory });
  if (cache.size > sweepAt) sweep(now);
  return memory;
}

// Drops what is too old to be served (pids that ended, or were not asked about for a while).
function sweep(now: number): void {
  for (const [pid, entry] of cache) if (now - entry.at >= MAX_AGE_MS) cache.delete(pid);
  sweepAt = Math.max(1024, cache.size * 2);
}
