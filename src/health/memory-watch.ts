// max_memory: the PSS of each limited process tree (shared pages split among the processes
// that map them, so a prefork daemon's workers are not counted n times), sampled every second
// for programs with a limit, and a graceful restart when it passes its limit.
import type { ManagedProcess } from '../process/managed-process.js';
import { readTreeMemory, readTreeRss } from '../process/proc.js';

export const MEMORY_SAMPLE_MS = 1000;

export function watchMemory(list: () => readonly ManagedProcess[], overLimit: (proc: ManagedProcess, bytes: number) => void): () => void {
  const timer = setInterval(() => {
    for (const proc of list()) {
      const limit = proc.unit.maxMemory;
      if (limit === null || proc.pid === null || (proc.state !== 'running' && proc.state !== 'starting')) continue;
      const bytes = treePssOver(proc.pid, limit);
      if (bytes !== null) overLimit(proc, bytes);
    }
  }, MEMORY_SAMPLE_MS);
  return () => clearInterval(timer);
}

// PSS is never more than RSS: while the tree's RSS (one small statm read per process) is
// under the limit, so is its PSS, and smaps_rollup (the kernel walks every mapping: 10-50x
// the cost, measured in bench/memory-read.js) is read only past that.
function treePssOver(pid: number, limit: number): number | null {
  const rss = readTreeRss(pid);
  if (rss === null || rss <= limit) return null;
  const memory = readTreeMemory(pid);
  const bytes = memory === null ? null : (memory.pssBytes ?? memory.rssBytes);
  return bytes !== null && bytes > limit ? bytes : null;
}
