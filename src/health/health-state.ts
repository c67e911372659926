// The pure part of health checking: after each probe, how many failures in a row, whether the
// process is healthy, and whether it is time to restart it. Time is a parameter.
import type { HealthSpec } from '../config/types.js';

export interface HealthState {
  /** null until the first probe has answered. */
  readonly healthy: boolean | null;
  readonly failures: number;
}

export const INITIAL_HEALTH: HealthState = { healthy: null, failures: 0 };

export interface HealthStep {
  readonly state: HealthState;
  /** The process just became unhealthy: restart it. */
  readonly restart: boolean;
}

export function stepHealth(previous: HealthState, passed: boolean, spec: Pick<HealthSpec, 'retries' | 'startPeriodMs'>, sinceStartMs: number): HealthStep {
  if (passed) return { state: { healthy: true, failures: 0 }, restart: false };
  // Failures inside start_period do not count (the process may still be warming up).
  if (sinceStartMs < spec.startPeriodMs) return { state: previous, restart: false };
  const failures = previous.failures + 1;
  const unhealthy = failures >= spec.retries;
  return { state: { healthy: unhealthy ? false : previous.healthy, failures }, restart: unhealthy && previous.healthy !== false };
}
