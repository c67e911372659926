// What /proc says about the processes a test started: memory, open fds, zombies, and every
// live process that carries a marker in its environment (children, grandchildren, orphans).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  /** R, S, D, T (stopped), Z (zombie)... */
  readonly state: string;
  readonly comm: string;
}

export function readProc(pid: number): ProcEntry | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: fields[0]!, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

export function listProcs(): ProcEntry[] {
  return readdirSync('/proc')
    .filter((d) => /^[0-9]+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is ProcEntry => p !== null);
}

/** VmRSS of a process, in bytes. */
export function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

export function fdCountOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Supplementary groups (the Groups: line of /proc/PID/status). */
export function groupsOf(pid: number): number[] {
  const line = /^Groups:(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
  return line.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Children of `pid` that are zombies (exited, not yet reaped). */
export function zombieChildrenOf(pid: number): ProcEntry[] {
  return listProcs().filter((p) => p.ppid === pid && p.state === 'Z');
}

export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Live (not zombie) processes whose environment holds NAME=VALUE, except those `exclude` picks. */
export function processesWithEnv(name: string, value: string, exclude: (p: ProcEntry) => boolean = () => false): ProcEntry[] {
  const needle = `\0${name}=${value}\0`;
  return listProcs().filter((p) => {
    if (p.state === 'Z' || exclude(p)) return false;
    try {
      return `\0${readFileSync(`/proc/${p.pid}/environ`, 'latin1')}`.includes(needle);
    } catch {
      return false;
    }
  });
}

/** RSS, growing as it is sampled: the peak of a process while something runs. */
export function samplePeakRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssOf(pid));
    } catch {
      // gone
    }
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export const MB = 1024 * 1024;

/** The direct children of a process (from /proc/PID/task/PID/children). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
