// How many file descriptors a config's processes hold open in supd, against the limit supd runs
// under: each process has a pipe for stdout and one for stderr (one for both with stderr =
// "merge"; a readiness `fd` check adds one; docs/child-stdio.md), and each log file it writes
// stays open. Node raises its soft RLIMIT_NOFILE to the
// hard limit at start, so the hard limit is what counts; past it, starts fail with EMFILE.
import { readFileSync } from 'node:fs';
import type { SupdConfig, UnitSpec } from './types.js';

/** What supd itself keeps open besides its children's (socket, supd.log, epoll, the guardian...), with room for clients. */
export const OWN_FDS = 64;

export function fdsPerProcess(unit: UnitSpec): number {
  const pipes = (unit.stderr === 'merge' ? 1 : 2) + (unit.ready?.kind === 'fd' ? 1 : 0);
  const files = (unit.stdout === null ? 0 : 1) + (unit.stderr === null || unit.stderr === 'merge' ? 0 : 1);
  return pipes + files;
}

export function fdsNeeded(config: SupdConfig): number {
  return OWN_FDS + config.units.reduce((sum, unit) => sum + unit.processes * fdsPerProcess(unit), 0);
}

/** The soft limit on open files of this process (Node has raised it to the hard one), or null if unknown. */
export function openFileLimit(limits = readLimits()): number | null {
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits ?? '');
  if (match === null) return null;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

function readLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

/** A warning when the config needs more descriptors than the limit, or null. */
export function fdShortage(config: SupdConfig, limit = openFileLimit()): string | null {
  const needed = fdsNeeded(config);
  if (limit === null || needed <= limit) return null;
  return `the config's processes need about ${needed} open files in supd (a pipe and a log file for each of stdout and stderr), the limit is ${limit}: starts past it fail with EMFILE; raise the hard limit (ulimit -Hn, LimitNOFILE= in a systemd unit) or merge stderr into stdout (stderr = "merge")`;
}
