// Reading /proc: a process's start time (to tell a reused pid from ours) and the resident
// memory of a process and all its descendants.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PAGE_SIZE = 4096;

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null if gone. */
export function readStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** Process state letter (R, S, Z...) from /proc/PID/stat, or null if gone. */
export function readProcState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

function readRss(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8');
    return Number(statm.split(' ')[1]) * PAGE_SIZE;
  } catch {
    return 0;
  }
}

function readChildren(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks === '' ? [] : tasks.split(' ').map(Number);
  } catch {
    return [];
  }
}

/** A process and its descendants (from /proc/PID/task/PID/children), the process first. */
export function readTreePids(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length && tree.length < 10_000; i++) tree.push(...readChildren(tree[i]!));
  return tree;
}

/** RSS in bytes of a process and every descendant (one statm read each), or null if gone. */
export function readTreeRss(pid: number): number | null {
  const own = readRss(pid);
  if (own === 0 && readStartTime(pid) === null) return null;
  return readTreePids(pid).slice(1).reduce((total, child) => total + readRss(child), own);
}

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
  readonly startTime: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: Number(fields[19]) };
  } catch {
    return null;
  }
}

/**
 * A process a child left behind when it exited at once: started after the child, and now
 * either still in the child's process group or an orphan (parent 1) running the same
 * executable. That is what a program that daemonizes itself (forks and exits) looks like.
 */
export function findDaemonizedLeftover(child: { pid: number; startTime: number; exe: string }): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === null || stat.pid === child.pid || stat.startTime < child.startTime) continue;
    if (stat.pgrp === child.pid) return stat.pid;
    if (stat.ppid === 1 && readExe(stat.pid) === child.exe) return stat.pid;
  }
  return null;
}

export function readExe(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}
