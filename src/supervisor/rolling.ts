// Restarting a pool: every copy at once, or (restart_strategy = "rolling") one at a time,
// each waiting until the one before is running again, so the pool never drops to zero.
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { SupervisorEmitter } from './events.js';
import { waitForStates, type WaitOutcome } from './wait.js';

const UP: Parameters<typeof waitForStates>[2]['done'] = ['running', 'waiting'];
const DOWN: Parameters<typeof waitForStates>[2]['failed'] = ['backoff', 'fatal', 'exited'];

export async function restartPool(events: SupervisorEmitter, procs: readonly ManagedProcess[], strategy: 'all' | 'rolling', timeoutMs: number): Promise<WaitOutcome[]> {
  if (strategy === 'all' || procs.length <= 1) {
    const waiting = waitForStates(events, procs, { done: UP, failed: DOWN, currentCounts: false, timeoutMs });
    for (const proc of procs) proc.restart();
    return waiting.settle(false);
  }
  const outcomes: WaitOutcome[] = [];
  for (const proc of procs) {
    const waiting = waitForStates(events, [proc], { done: UP, failed: DOWN, currentCounts: false, timeoutMs });
    proc.restart();
    outcomes.push(...(await waiting.settle(false)));
  }
  return outcomes;
}

/** How long a pool restart may wait for one copy: its stop, its start, and a minute to get ready. */
export function poolRestartTimeout(unit: UnitSpec): number {
  return unit.stopTimeoutMs + Math.max(unit.startSecsMs, 1000) + 60_000;
}
