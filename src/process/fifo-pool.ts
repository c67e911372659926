// Spare FIFOs for children's output. Node has no pipe(2), no mkfifo(3) and no fcntl(2), so
// FIFOs are made by coreutils' `mkfifo`, many in one call (an exec costs a few ms, a FIFO ~0.02
// ms more on tmpfs, ~1 ms on ext4: fifo-dir.ts), and each spare is held open for reading at
// once, so its pipe exists and can be grown. A pipe holds 64 KiB by default against ~200 KiB for the socketpair it replaces, and
// under a flood that doubled supd's CPU per byte (measured: bench/logs.js, 0.12 s instead of
// 0.07 s for 1,000,000 lines); at 256 KiB it is back to 0.07 s. fcntl(F_SETPIPE_SZ) comes
// from one `perl` per batch (perl-base is in every Debian), only as root: the kernel exempts
// root from the per-user pipe budget, and an ordinary user's larger pipes would shrink the
// other pipes of that user once it ran out. Without perl, pipes stay at 64 KiB.
// The pool is filled at once with as many as the first starts take plus TARGET spares, then in
// the background before it runs dry, so a respawn never waits for an exec (synchronously only
// when it is empty: a burst of starts beyond the config's count), and back to TARGET once
// starts pause, so supd's fd count at rest does not depend on what happened before. A taken
// FIFO is unlinked as soon as both its ends are open (child-stdio.ts): nothing of a running
// child stays on disk, and what a kill -9 of supd leaves is only spare FIFOs, which the next
// start sweeps.
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, openSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Spare FIFOs kept at rest: each holds an open fd, so the count is steady once starts stop. */
const TARGET = 32;
/** Refilled in the background (back to TARGET) when fewer are left. */
const LOW_WATER = 16;
/** After this long without a start, a pool below TARGET is topped up to it. */
const QUIET_MS = 1000;
export const PIPE_BYTES = 256 * 1024;
/** F_SETPIPE_SZ (linux/fcntl.h: F_LINUX_SPECIFIC_BASE + 7). */
const GROW = `for (@ARGV) { open(my $f, "+<", $_) or next; fcntl($f, 1031, ${PIPE_BYTES}) }`;

export interface SpareFifo {
  readonly path: string;
  /** Its read end, open (O_RDONLY | O_NONBLOCK, close-on-exec). */
  readonly read: number;
}

export interface FifoPool {
  readonly dir: string;
  /** An unused FIFO, or why none can be made. */
  take(): ({ ok: true } & SpareFifo) | { ok: false; reason: string };
  /** Closes and removes the spare FIFOs (supd exits). */
  close(): void;
}

/** `expected`: how many FIFOs the first starts will take (made at once: two execs, not one pair per batch). */
export function createFifoPool(dir: string, expected = 0): FifoPool {
  // Whatever is here was left by an earlier supd of this state dir (the state dir is ours alone).
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const grow = process.geteuid?.() === 0;
  const spare: SpareFifo[] = [];
  let serial = 0;
  let refilling = false;
  let closed = false;
  let quiet: NodeJS.Timeout | null = null;
  const names = (count: number): string[] => Array.from({ length: count }, () => path.join(dir, `${process.pid}-${++serial}`));
  const finish = (opened: readonly SpareFifo[]): void => {
    refilling = false;
    if (closed) return opened.forEach(discard);
    spare.push(...opened);
    // Never above TARGET (past the first starts): a refill made while the pool was empty.
    spare.splice(initialLeft + TARGET).forEach(discard);
    if (spare.length < TARGET) armQuiet(); // starts took some meanwhile
  };
  const refillInBackground = (): void => {
    if (refilling || closed || spare.length >= TARGET) return;
    refilling = true;
    const batch = names(TARGET - spare.length);
    execFile('mkfifo', ['-m', '0600', '--', ...batch], { timeout: 10_000 }, (error) => {
      const opened = error === null && !closed ? openAll(batch) : [];
      if (!grow || opened.length === 0) return finish(opened);
      execFile('perl', ['-e', GROW, ...batch], { timeout: 10_000 }, () => finish(opened));
    });
  };
  const refillNow = (count: number): string | null => {
    const batch = names(count);
    try {
      execFileSync('mkfifo', ['-m', '0600', '--', ...batch], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0];
      return `mkfifo failed in ${dir}: ${stderr || (error as Error).message}`;
    }
    const opened = openAll(batch);
    if (grow) growPipes(batch);
    spare.push(...opened);
    return opened.length > 0 ? null : `cannot open the FIFOs made in ${dir}`;
  };
  // Back to exactly TARGET once starts pause (a steady fd count); below LOW_WATER at once.
  function armQuiet(): void {
    if (quiet !== null) clearTimeout(quiet);
    quiet = setTimeout(refillInBackground, QUIET_MS);
    quiet.unref();
  }
  const keepUp = (): void => {
    if (spare.length < LOW_WATER) refillInBackground();
    armQuiet();
  };
  // The config's first starts take these (a program with autostart off may leave some).
  let initialLeft = Math.min(4096, expected);
  refillNow(initialLeft + TARGET);
  return {
    dir,
    take() {
      if (spare.length === 0) {
        const failure = refillNow(TARGET);
        if (failure !== null) return { ok: false, reason: failure };
      }
      const fifo = spare.pop()!;
      initialLeft = Math.max(0, initialLeft - 1);
      keepUp();
      return { ok: true, ...fifo };
    },
    close() {
      closed = true;
      if (quiet !== null) clearTimeout(quiet);
      spare.splice(0).forEach(discard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function discard(fifo: SpareFifo): void {
  closeSync(fifo.read);
  rmSync(fifo.path, { force: true });
}

// Opening the read end first never blocks (O_NONBLOCK) and keeps the pipe alive between uses.
function openAll(paths: readonly string[]): SpareFifo[] {
  const opened: SpareFifo[] = [];
  for (const file of paths) {
    try {
      opened.push({ path: file, read: openSync(file, constants.O_RDONLY | constants.O_NONBLOCK) });
    } catch {
      rmSync(file, { force: true });
    }
  }
  return opened;
}

function growPipes(paths: readonly string[]): void {
  try {
    execFileSync('perl', ['-e', GROW, ...paths], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    // no perl: 64 KiB pipes
  }
}
