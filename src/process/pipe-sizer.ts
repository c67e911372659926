// Grows each child's pipe to 256 KiB. A pipe holds 64 KiB by default against ~200 KiB for the
// socketpair it replaced, and under a flood that nearly doubled supd's CPU per byte (bench/logs.js,
// 1,000,000 lines: 0.11-0.12 s instead of 0.06-0.09 s); at 256 KiB it is back to 0.07-0.08 s.
// Node has no fcntl(2), so one long-lived `perl` (perl-base is in every Debian) does
// fcntl(F_SETPIPE_SZ) on /proc/<supd>/fd/N for each fd number supd sends it, a moment after
// the spawn (a pipe can grow while in use). It ends when supd does (its stdin closes). Only as
// root: the kernel exempts root from the per-user pipe budget, and an ordinary user's larger
// pipes would shrink that user's other pipes once the budget ran out. Without perl, 64 KiB.
import { startLineHelper } from './line-helper.js';

export const PIPE_BYTES = 256 * 1024;
/** F_SETPIPE_SZ is F_LINUX_SPECIFIC_BASE + 7 (linux/fcntl.h). */
const PROGRAM = `use Fcntl; my $p = getppid(); $| = 1;
while (my $fd = <STDIN>) { chomp $fd; sysopen(my $f, "/proc/$p/fd/$fd", O_RDONLY | O_NONBLOCK) or next; fcntl($f, 1031, ${PIPE_BYTES}); close $f }`;

export interface PipeSizer {
  /** Grows the pipe behind supd's fd (its read end of a child's FIFO). */
  grow(fd: number): void;
  close(): void;
}

export function startPipeSizer(): PipeSizer {
  // The fds of one turn go in one write (a burst of starts is one wake-up of perl).
  const helper = process.geteuid?.() === 0 ? startLineHelper('perl', ['-e', PROGRAM]) : null;
  return {
    grow: (fd) => helper?.send(`${fd}\n`),
    close: () => helper?.close(),
  };
}
