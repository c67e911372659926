import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';

// Poll a condition until it holds (never a bare sleep): returns its value, or throws with
// the last value seen when the deadline passes.
/** Thrown by a check to end the wait at once (the thing waited on can never happen). */
export class WaitAborted extends Error {}

export async function waitFor<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: T | undefined;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== null && last !== false) return last as NonNullable<T>;
    } catch (error) {
      if (error instanceof WaitAborted || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what ?? 'a condition'} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

/** Alive and not a zombie (an orphan killed by SIGKILL may linger as a zombie until init reaps it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The opposite of waitFor, for "nothing happens for a while" (not restarted, not written, not
 * run): polls the condition for the whole window and fails at the first poll where it is false
 * (or throws), saying what and after how long. Returns the last value seen. It runs the whole
 * window: a condition that spawns (a CLI call) wants an interval of 100 ms or more.
 */
export async function assertStays<T>(condition: () => T | Promise<T>, ms: number, message: string, intervalMs = 100): Promise<NonNullable<T>> {
  const start = Date.now();
  for (;;) {
    const value = await condition();
    if (value === false || value === null || value === undefined) {
      throw new AssertionError({ message: `${message}: no longer held after ${Date.now() - start} ms of ${ms} ms (value: ${JSON.stringify(value)})` });
    }
    if (Date.now() - start >= ms) return value as NonNullable<T>;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(1, ms - (Date.now() - start)))));
  }
}
