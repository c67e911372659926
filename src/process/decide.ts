// What to do after a child exits: pure, with time and randomness as parameters, so every
// rule of restart, backoff and max_restarts is unit-tested without timers.
import type { BackoffSpec, RestartPolicy } from '../config/types.js';
import { backoffDelay } from './backoff.js';

export interface ExitFacts {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** How long the child ran. */
  readonly uptimeMs: number;
  /** Whether it had reached `running` (start_secs passed, or ready). */
  readonly wasRunning: boolean;
}

export interface RestartRules {
  readonly restart: RestartPolicy;
  readonly successExitCodes: readonly number[];
  readonly backoff: BackoffSpec;
  readonly maxRestarts: number;
  readonly restartWindowMs: number;
  /** An exit sooner than this after the spawn is a failed start, even once `ready` passed. */
  readonly startSecsMs: number;
}

export interface RestartHistory {
  /** Exits in a row that came before start_secs. */
  readonly consecutiveFailures: number;
  /** When the recent automatic respawns happened (ms). */
  readonly respawnTimes: readonly number[];
}

export type ExitDecision =
  | { readonly next: 'stopped' }
  | { readonly next: 'exited'; readonly reason: string }
  | { readonly next: 'fatal'; readonly reason: string }
  | { readonly next: 'starting'; readonly consecutiveFailures: 0 }
  | { readonly next: 'backoff'; readonly delayMs: number; readonly consecutiveFailures: number };

export function isSuccessfulExit(exit: Pick<ExitFacts, 'code' | 'signal'>, successExitCodes: readonly number[]): boolean {
  return exit.signal === null && exit.code !== null && successExitCodes.includes(exit.code);
}

export function decideAfterExit(
  exit: ExitFacts,
  wantedUp: boolean,
  rules: RestartRules,
  history: RestartHistory,
  now: number,
  random: number,
): ExitDecision {
  if (!wantedUp) return { next: 'stopped' };
  const success = isSuccessfulExit(exit, rules.successExitCodes);
  if (rules.restart === 'never') return { next: 'exited', reason: 'restart = "never"' };
  if (rules.restart === 'on-failure' && success) return { next: 'exited', reason: `exit ${exit.code} is a success exit code` };
  const recent = history.respawnTimes.filter((t) => now - t < rules.restartWindowMs);
  if (rules.maxRestarts > 0 && recent.length >= rules.maxRestarts) {
    return { next: 'fatal', reason: `${recent.length} restarts within ${rules.restartWindowMs} ms (max_restarts = ${rules.maxRestarts})` };
  }
  if (stayedUp(exit, rules)) return { next: 'starting', consecutiveFailures: 0 };
  const failures = history.consecutiveFailures + 1;
  return { next: 'backoff', delayMs: backoffDelay(failures, rules.backoff, random), consecutiveFailures: failures };
}

/**
 * Whether a run counts as a start that held: it reached `running` and lasted start_secs.
 * `ready` alone is not enough: a program that is ready and exits a moment later (its port
 * held by another, a crash right after the banner) would otherwise respawn with no delay.
 */
export function stayedUp(exit: Pick<ExitFacts, 'uptimeMs' | 'wasRunning'>, rules: Pick<RestartRules, 'startSecsMs'>): boolean {
  return exit.wasRunning && exit.uptimeMs >= rules.startSecsMs;
}

/** The respawn times still inside the window after one more at `now` (kept short for long-lived processes). */
export function recordRespawn(times: readonly number[], now: number, windowMs: number): number[] {
  return [...times.filter((t) => now - t < windowMs), now];
}
