// The delay before the next start after the n-th exit in a row that came before start_secs:
// min(max, initial * factor^(n-1)), then spread by +-jitter so a crashing pool does not
// restart in lockstep. Pure: the random number is a parameter.
import type { BackoffSpec } from '../config/types.js';

export function backoffDelay(consecutiveFailures: number, spec: BackoffSpec, random: number): number {
  const n = Math.max(1, consecutiveFailures);
  const base = Math.min(spec.maxMs, spec.initialMs * spec.factor ** (n - 1));
  const spread = spec.jitter * (2 * random - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
