// Restarting a pool: every copy at once, or (restart_strategy = "rolling") one at a time.
// Without held sockets each copy stops, then starts and is waited for, so the pool never drops
// to zero; the first copy that does not come back stops the roll. With held sockets (`sockets`) no capacity is lost at all: a surge copy of the new
// definition (index = the pool's size, `web:4` for 4 copies) starts first and must get ready,
// then each copy is replaced in turn (its stop_signal lets it finish its requests), and the
// surge copy stops last. The pool's own names stay `web:0`..`web:3`; a surge copy that never
// gets ready is removed and the old copies are left running untouched.
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from '../process/managed-process.js';
import { START_DONE as UP, START_FAILED as DOWN, STOP_DONE as STOPPED, waitForStates, type WaitOutcome, type WaitSource } from './wait.js';

/** What a restart of a pool needs of the supervisor (its events and clock, to wait). */
export interface PoolRestart extends WaitSource {
  /** A new stopped copy of the unit beyond its pool, for a surge. */
  addSurge(unit: UnitSpec): ManagedProcess;
  removeSurge(proc: ManagedProcess): void;
  log(level: 'info' | 'warn', message: string, name?: string): void;
}

export async function restartPool(pool: PoolRestart, procs: readonly ManagedProcess[], unit: UnitSpec, timeoutMs: number): Promise<WaitOutcome[]> {
  if (unit.restartStrategy === 'rolling' && unit.sockets.length > 0 && procs.length > 0 && unit.schedule === null) return rollWithSurge(pool, procs, unit, timeoutMs);
  if (unit.restartStrategy === 'all' || procs.length <= 1) {
    const waiting = waitForStates(pool, procs, { done: UP, failed: DOWN, timeoutMs });
    for (const proc of procs) proc.restart();
    return waiting.settle(false);
  }
  return rollEach(pool, procs, unit, timeoutMs);
}

// One copy at a time; the first that does not come back stops the roll, and the copies after
// it keep running as they were (a broken new version must not take the whole pool down).
async function rollEach(pool: PoolRestart, procs: readonly ManagedProcess[], unit: UnitSpec, timeoutMs: number): Promise<WaitOutcome[]> {
  const outcomes: WaitOutcome[] = [];
  for (const [i, proc] of procs.entries()) {
    const [outcome] = await restartOne(pool, proc, timeoutMs);
    outcomes.push(outcome!);
    if (outcome!.ok) continue;
    const left = procs.slice(i + 1);
    if (left.length > 0) pool.log('warn', `rolling restart stopped at ${proc.name}: ${left.map((p) => p.name).join(', ')} keep running as they were`, unit.name);
    outcomes.push(...left.map((p) => ({ name: p.name, ok: false, state: p.state, message: `not restarted: ${proc.name} did not get ready` })));
    break;
  }
  return outcomes;
}

async function restartOne(pool: PoolRestart, proc: ManagedProcess, timeoutMs: number): Promise<WaitOutcome[]> {
  const waiting = waitForStates(pool, [proc], { done: UP, failed: DOWN, timeoutMs });
  proc.restart();
  return waiting.settle(false);
}

async function rollWithSurge(pool: PoolRestart, procs: readonly ManagedProcess[], unit: UnitSpec, timeoutMs: number): Promise<WaitOutcome[]> {
  const surge = pool.addSurge(unit);
  pool.log('info', `rolling restart of ${procs.map((p) => p.name).join(', ')}: ${surge.name} stands in first, so no capacity is lost`, unit.name);
  const starting = waitForStates(pool, [surge], { done: UP, failed: DOWN, timeoutMs });
  surge.start();
  const [first] = await starting.settle(false);
  const outcomes: WaitOutcome[] = [];
  if (first?.ok !== true) {
    const why = `the new copy ${surge.name} did not get ready (${first?.message ?? first?.state ?? 'unknown'}); the copies keep running as they were`;
    pool.log('warn', `rolling restart stopped: ${why}`, unit.name);
    outcomes.push(...procs.map((p) => ({ name: p.name, ok: false, state: p.state, message: why })));
  } else {
    outcomes.push(...(await rollEach(pool, procs, unit, timeoutMs)));
  }
  const stopping = waitForStates(pool, [surge], { done: STOPPED, failed: [], timeoutMs: unit.stopTimeoutMs + 5000 });
  surge.stop();
  await stopping.settle(true);
  pool.removeSurge(surge);
  return outcomes;
}

/** How long a pool restart may wait for one copy: its stop, its start, and a minute to get ready. */
export function poolRestartTimeout(unit: UnitSpec): number {
  return unit.stopTimeoutMs + Math.max(unit.startSecsMs, 1000) + 60_000;
}

/** The copies `supd restart` names that roll (restart_strategy = "rolling": more than one, or one with sockets), by unit. */
export function rollingGroups(units: Iterable<UnitSpec>, procs: readonly ManagedProcess[]): Array<{ unit: UnitSpec; procs: ManagedProcess[] }> {
  return [...units]
    .filter((u) => u.restartStrategy === 'rolling')
    .map((unit) => ({ unit, procs: procs.filter((p) => p.unit.name === unit.name) }))
    .filter((r) => r.procs.length > 1 || (r.procs.length === 1 && r.unit.sockets.length > 0));
}
