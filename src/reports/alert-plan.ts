// When the alerts gathered so far go out, and when respawns make a crash loop. Pure: time is
// a parameter, so the batching rules are unit-tested without timers.

/** Alerts this close to the one before share a mail. */
export const GATHER_MS = 1000;
/** A stream of alerts each within GATHER_MS of the last still goes out this long after the first. */
export const GATHER_CAP_MS = 10_000;

export interface Batch {
  /** When the first and the last alert of the batch came. */
  readonly firstAt: number;
  readonly lastAt: number;
}

// One second of quiet after the last alert (at most GATHER_CAP_MS after the first), and never
// sooner than min_interval after the last mail.
export function alertDueAt(batch: Batch, lastSentAt: number | null, minIntervalMs: number): number {
  const gathered = Math.min(batch.lastAt + GATHER_MS, batch.firstAt + GATHER_CAP_MS);
  return lastSentAt === null ? gathered : Math.max(gathered, lastSentAt + minIntervalMs);
}

export interface CrashLoopRule {
  readonly restarts: number;
  readonly windowMs: number;
}

/** One process's recent respawns, and until when it is not told about again. */
export interface LoopState {
  readonly times: readonly number[];
  readonly quietUntil: number;
}

export const NO_LOOP: LoopState = { times: [], quietUntil: 0 };

/**
 * Records one respawn. More than `restarts` within `windowMs` is a crash loop; then the
 * process is not counted for one more window, so a process that keeps looping makes one
 * alert per window, not one per few respawns.
 */
export function noteRespawn(state: LoopState, at: number, rule: CrashLoopRule): { state: LoopState; loop: number | null } {
  if (at < state.quietUntil) return { state, loop: null };
  const times = [...state.times.filter((t) => at - t < rule.windowMs), at];
  if (times.length > rule.restarts) return { state: { times: [], quietUntil: at + rule.windowMs }, loop: times.length };
  return { state: { times, quietUntil: 0 }, loop: null };
}
