// What the bench reads from /proc and how it times and stops things: RSS, CPU ticks, the
// descendants of a pid (to kill only what a daemon we started left behind), wall time of a
// command, and small statistics.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const CLK_TCK = readClockTicks();

function readClockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size in bytes (VmRSS), or null if the process is gone. */
export function readRss(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

/**
 * The three memory figures of a process from /proc/PID/smaps_rollup, in bytes, or null if it
 * is gone: rss (every resident page, shared ones too: what `top` shows), pss (each shared page
 * divided among the processes that map it: a Node process's share of the node binary's pages
 * is small when other Node processes run) and anon (anonymous pages: heap, stacks, JIT code:
 * what this process alone costs the machine).
 */
export function readMemory(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rss: field('Rss'), pss: field('Pss'), anon: field('Anonymous') };
  } catch {
    return null;
  }
}

function statFields(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime of a process in seconds, or null if it is gone. */
export function readCpuSeconds(pid) {
  const fields = statFields(pid);
  return fields === null ? null : (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Start time in clock ticks since boot: tells our process from one that reuses its pid. */
export function readStartTime(pid) {
  const fields = statFields(pid);
  return fields === null ? null : Number(fields[19]);
}

export function isAlive(pid, startTime) {
  const now = readStartTime(pid);
  return now !== null && (startTime === undefined || now === startTime) && statFields(pid)?.[0] !== 'Z';
}

function readChildren(pid) {
  try {
    const dirs = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return dirs === '' ? [] : dirs.split(' ').map(Number);
  } catch {
    return [];
  }
}

/** Every descendant of pid with its start time (so a later kill never hits a reused pid). */
export function listDescendants(pid) {
  const found = [];
  const queue = readChildren(pid);
  for (let i = 0; i < queue.length; i++) {
    const child = queue[i];
    const startTime = readStartTime(child);
    if (startTime !== null) found.push({ pid: child, startTime });
    queue.push(...readChildren(child));
  }
  return found;
}

/** SIGKILL to recorded processes that are still the ones we recorded. */
export function killRecorded(records) {
  let killed = 0;
  for (const { pid, startTime } of records) {
    if (!isAlive(pid, startTime)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      // gone meanwhile
    }
  }
  return killed;
}

/** Polls check() every intervalMs until it returns true; the elapsed ms, or null on timeout. */
export async function waitUntil(check, { intervalMs = 10, timeoutMs = 60_000, since = performance.now() } = {}) {
  for (;;) {
    if (await check()) return performance.now() - since;
    if (performance.now() - since > timeoutMs) return null;
    await sleep(intervalMs);
  }
}

/** Runs a command to its end; its wall time in ms, exit code and output. */
export function timeCommand(file, args, options = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (error) => resolve({ ms: performance.now() - started, code: null, stdout: '', stderr: error.message }));
    child.on('close', (code) => {
      resolve({ ms: performance.now() - started, code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

/** Waits for a child we spawned to exit; false after timeoutMs. */
export function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** A daemon run in the foreground by the bench: SIGTERM, wait for it, then kill what it left (only what it started). */
export async function stopDaemon(handle) {
  const left = listDescendants(handle.pid);
  try {
    process.kill(handle.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const exited = await waitForExit(handle.child, 60_000);
  if (!exited) killRecorded([{ pid: handle.pid, startTime: handle.startTime }]);
  return killRecorded(left);
}

/** The same without waiting: SIGKILL to the daemon and every descendant it had. */
export function forceStopDaemon(handle) {
  const left = listDescendants(handle.pid);
  killRecorded([{ pid: handle.pid, startTime: handle.startTime }, ...left]);
}
