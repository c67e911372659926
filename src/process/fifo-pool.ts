// Spare FIFOs for children's output. Node has no pipe(2) and no mkfifo(3), so FIFOs are made
// by coreutils' `mkfifo`, many in one call (one exec costs ~2 ms; each further FIFO ~0.1 ms).
// The pool refills in the background before it runs dry, so a respawn never waits for an exec,
// and synchronously only when it is empty (the first starts). A taken FIFO is unlinked as soon
// as both its ends are open (child-stdio.ts): nothing of a running child stays on disk, and
// what a kill -9 of supd leaves is only spare FIFOs, which the next start sweeps.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** FIFOs made per `mkfifo` call. */
const BATCH = 64;
/** Refill in the background when fewer than this many are left. */
const LOW_WATER = 24;

export interface FifoPool {
  readonly dir: string;
  /** The path of an unused FIFO, or why none can be made. */
  take(): { ok: true; path: string } | { ok: false; reason: string };
  /** Removes the spare FIFOs (supd exits). */
  close(): void;
}

export function createFifoPool(dir: string): FifoPool {
  // Whatever is here was left by an earlier supd of this state dir (the state dir is ours alone).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const spare: string[] = [];
  let serial = 0;
  let refilling = false;
  const names = (): string[] => Array.from({ length: BATCH }, () => path.join(dir, `${process.pid}-${++serial}`));
  const refillInBackground = (): void => {
    if (refilling) return;
    refilling = true;
    const batch = names();
    execFile('mkfifo', ['-m', '0600', '--', ...batch], { timeout: 10_000 }, (error) => {
      refilling = false;
      if (error === null) spare.push(...batch);
    });
  };
  return {
    dir,
    take() {
      if (spare.length === 0) {
        const batch = names();
        try {
          execFileSync('mkfifo', ['-m', '0600', '--', ...batch], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
        } catch (error) {
          const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0];
          return { ok: false, reason: `mkfifo failed in ${dir}: ${stderr || (error as Error).message}` };
        }
        spare.push(...batch);
      }
      if (spare.length < LOW_WATER) refillInBackground();
      return { ok: true, path: spare.pop()! };
    },
    close() {
      spare.length = 0;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
