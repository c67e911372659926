// max_memory: the PSS of each limited process tree (shared pages split among the processes
// that map them, so a prefork daemon's workers are not counted n times), sampled every second
// (one smaps_rollup read per process in the tree, only for programs with a limit), and a
// graceful restart when it passes its limit.
import type { ManagedProcess } from '../process/managed-process.js';
import { readTreeMemory } from '../process/proc.js';

export const MEMORY_SAMPLE_MS = 1000;

export function watchMemory(list: () => readonly ManagedProcess[], overLimit: (proc: ManagedProcess, bytes: number) => void): () => void {
  const timer = setInterval(() => {
    for (const proc of list()) {
      const limit = proc.unit.maxMemory;
      if (limit === null || proc.pid === null || (proc.state !== 'running' && proc.state !== 'starting')) continue;
      const memory = readTreeMemory(proc.pid);
      const bytes = memory === null ? null : (memory.pssBytes ?? memory.rssBytes);
      if (bytes !== null && bytes > limit) overLimit(proc, bytes);
    }
  }, MEMORY_SAMPLE_MS);
  return () => clearInterval(timer);
}
