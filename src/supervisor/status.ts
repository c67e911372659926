// The snapshot `supd status` shows: each process as SPEC section 5's JSON, memory (the tree's
// RSS and PSS) read from /proc at most 5 s before, or the reading before while a new one is made (tree-memory-cache.ts).
import type { ProcessStatus, StatusReport } from '../control/protocol.js';
import type { ProcessView } from './view.js';
import { recentTreeMemory } from '../process/tree-memory-cache.js';

/** What the supervisor knows beside the process itself. */
export interface StatusLookups {
  healthOf(name: string): boolean | null;
  nextRunOf(name: string): Date | null;
}

export function describeProcess(proc: ProcessView, lookups: StatusLookups): ProcessStatus {
  const uptime = proc.uptimeMs;
  const memory = proc.pid === null ? null : recentTreeMemory(proc.pid);
  return {
    name: proc.name,
    program: proc.unit.program,
    method: proc.unit.method,
    index: proc.index,
    state: proc.state,
    pid: proc.pid,
    uptime_s: uptime === null ? null : round(uptime / 1000),
    restarts: proc.restarts,
    watch_restarts: proc.watchRestarts,
    exit_code: proc.lastExit?.code ?? null,
    exit_signal: proc.lastExit?.signal ?? null,
    rss_bytes: memory?.rssBytes ?? null,
    pss_bytes: memory === null ? null : memory.pssBytes,
    healthy: proc.unit.health === null ? null : lookups.healthOf(proc.name),
    next_run: proc.state === 'waiting' ? (lookups.nextRunOf(proc.name)?.toISOString() ?? null) : null,
    last_exit_at: proc.lastExit === null ? null : new Date(proc.lastExit.at).toISOString(),
    last_run_ms: proc.isScheduled && proc.lastExit !== null ? proc.lastExit.durationMs : null,
    reason: proc.reason,
    wanted: proc.wanted,
  };
}

export function buildStatusReport(
  processes: readonly ProcessView[],
  supervisor: { pid: number; version: string; config: string; startedAt: number },
  now: number,
  lookups: StatusLookups,
): StatusReport {
  return {
    supervisor: { pid: supervisor.pid, version: supervisor.version, config: supervisor.config, uptime_s: round((now - supervisor.startedAt) / 1000) },
    processes: processes.map((p) => describeProcess(p, lookups)),
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
