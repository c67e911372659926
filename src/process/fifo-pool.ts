// Spare FIFOs for children's output. Node has no pipe(2) and no mkfifo(3), so FIFOs are made by
// coreutils' `mkfifo`, many in one call (an exec costs a few ms, a FIFO ~0.02 ms more on tmpfs,
// ~1 ms on ext4: fifo-dir.ts). The pool is filled at once with as many as the first starts
// take plus TARGET spares, then in the background before it runs dry, so a respawn never waits
// for an exec (synchronously only when it is empty: a burst of starts beyond the config's
// count). Spares are names only, no open fd, so supd's fd count is two per running child as
// with socketpairs. A taken FIFO is unlinked as soon as both its ends are open (child-stdio.ts):
// nothing of a running child stays on disk, and what a kill -9 of supd leaves is only spare
// FIFOs, which the next start sweeps.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Spare FIFOs kept at first; doubled (up to 4,096) each time a burst of starts (a restart of
 * all) empties the pool, so a burst of N costs about log2(N) refills, each a fork of supd, not
 * N / 32. Refilled in the background when fewer than half are left.
 */
const TARGET = 32;

export interface FifoPool {
  readonly dir: string;
  /** The path of an unused FIFO, or why none can be made. */
  take(): { ok: true; path: string } | { ok: false; reason: string };
  /** Closes and removes the spare FIFOs (supd exits). */
  close(): void;
}

/** `expected`: how many FIFOs the first starts will take (made at once: two execs, not one pair per batch). */
export function createFifoPool(dir: string, expected = 0): FifoPool {
  // Whatever is here was left by an earlier supd of this state dir (the state dir is ours alone).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pool = new Fifos(dir);
  pool.refillNow(Math.min(4096, expected) + TARGET);
  return pool;
}

class Fifos implements FifoPool {
  private readonly spare: string[] = [];
  private serial = 0;
  private refilling = false;
  private closed = false;
  private wanted = TARGET;

  constructor(readonly dir: string) {}

  take(): { ok: true; path: string } | { ok: false; reason: string } {
    if (this.spare.length === 0) {
      this.wanted = Math.min(this.wanted * 2, 4096);
      const failure = this.refillNow(this.wanted);
      if (failure !== null) return { ok: false, reason: failure };
    }
    const file = this.spare.pop()!;
    if (this.spare.length < this.wanted / 2) this.refillInBackground();
    return { ok: true, path: file };
  }

  close(): void {
    this.closed = true;
    this.spare.length = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Makes `count` FIFOs now; returns why it could not, or null. */
  refillNow(count: number): string | null {
    const batch = this.names(count);
    try {
      execFileSync('mkfifo', ['-m', '0600', '--', ...batch], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0];
      return `mkfifo failed in ${this.dir}: ${stderr || (error as Error).message}`;
    }
    this.spare.push(...batch);
    return null;
  }

  private refillInBackground(): void {
    if (this.refilling || this.closed || this.spare.length >= this.wanted) return;
    this.refilling = true;
    const batch = this.names(this.wanted - this.spare.length);
    execFile('mkfifo', ['-m', '0600', '--', ...batch], { timeout: 10_000 }, (error) => {
      this.refilling = false;
      if (error === null && !this.closed) this.spare.push(...batch);
    });
  }

  private names(count: number): string[] {
    return Array.from({ length: count }, () => path.join(this.dir, `${process.pid}-${++this.serial}`));
  }
}
