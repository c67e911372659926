// Memory figures for `supd status`, read at most once every MAX_AGE_MS per process tree. A
// tree's read is one smaps_rollup (the kernel walks every mapping) and one children file per
// member, 40-70 us each here: with 5,000 processes that is 250-350 ms of the daemon's answer,
// and every `status` paid it again. Repeated asks within MAX_AGE_MS (a watch loop, a script
// that asks status and then status --json) get the figures of the first.
//
// Figures older than that but younger than STALE_LIMIT_MS are served as they are while the tree
// is read again in the background, REFRESH_SLICE trees a turn of the event loop: otherwise the
// one request in five seconds that found them all expired paid for every tree at once (at
// 5,000 processes `status --json` took 300-400 ms then, against 150 for the others). A tree
// never read, or not asked about for STALE_LIMIT_MS, is read while the request waits.
import { readTreeMemory, type TreeMemory } from './proc.js';

export const MAX_AGE_MS = 5000;
export const STALE_LIMIT_MS = 30_000;
/** Trees read a turn in the background: about 5 ms. */
const REFRESH_SLICE = 100;

interface Entry {
  readonly at: number;
  readonly memory: TreeMemory | null;
}

const cache = new Map<number, Entry>();
let sweepAt = 1024;
const due = new Set<number>();
let refreshing: Promise<void> | null = null;

/** The memory of `pid`'s tree as read at most MAX_AGE_MS ago, or at most STALE_LIMIT_MS ago
 * while a new read is on its way (null: the process is gone). */
export function recentTreeMemory(pid: number, now = Date.now()): TreeMemory | null {
  const hit = cache.get(pid);
  if (hit !== undefined && now - hit.at < MAX_AGE_MS) return hit.memory;
  if (hit !== undefined && now - hit.at < STALE_LIMIT_MS) {
    due.add(pid);
    refreshing ??= refreshDue();
    return hit.memory;
  }
  return readNow(pid, now);
}

/** Settles when the trees due for a new read have been read (for tests). */
export function refreshed(): Promise<void> {
  return refreshing ?? Promise.resolve();
}

function readNow(pid: number, now: number): TreeMemory | null {
  const memory = readTreeMemory(pid);
  cache.set(pid, { at: now, memory });
  if (cache.size > sweepAt) sweep(now);
  return memory;
}

async function refreshDue(): Promise<void> {
  while (due.size > 0) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    let left = REFRESH_SLICE;
    for (const pid of due) {
      due.delete(pid);
      readNow(pid, Date.now());
      if (--left === 0) break;
    }
  }
  refreshing = null;
}

// Drops what is too old to be served (pids that ended, or were not asked about for a while).
function sweep(now: number): void {
  for (const [pid, entry] of cache) if (now - entry.at >= STALE_LIMIT_MS) cache.delete(pid);
  sweepAt = Math.max(1024, cache.size * 2);
}
