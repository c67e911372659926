// max_memory: the RSS of each limited process tree, sampled every second (one statm read per
// process in the tree), and a graceful restart when it passes its limit.
import type { ManagedProcess } from '../process/managed-process.js';
import { readTreeRss } from '../process/proc.js';

export const MEMORY_SAMPLE_MS = 1000;

export function watchMemory(list: () => readonly ManagedProcess[], overLimit: (proc: ManagedProcess, rss: number) => void): () => void {
  const timer = setInterval(() => {
    for (const proc of list()) {
      const limit = proc.unit.maxMemory;
      if (limit === null || proc.pid === null || (proc.state !== 'running' && proc.state !== 'starting')) continue;
      const rss = readTreeRss(proc.pid);
      if (rss !== null && rss > limit) overLimit(proc, rss);
    }
  }, MEMORY_SAMPLE_MS);
  return () => clearInterval(timer);
}
