// One report's facts, taken once: supd, one row per process, what happened since. The text
// and the HTML are both drawn from this (render-text.ts, render-html.ts), so they never differ.
import type { ProcessStatus, StatusReport } from '../control/protocol.js';
import { PROBLEM_KINDS, kindLabel, type ReportEvent } from './report-event.js';

export interface ReportRow {
  readonly name: string;
  readonly state: string;
  readonly pid: number | null;
  readonly uptimeMs: number | null;
  /** Restarts since the snapshot's `since`. */
  readonly restarts: number;
  /** The tree's PSS (its RSS where PSS cannot be read), as status shows it. */
  readonly memoryBytes: number | null;
  readonly lastExit: { readonly code: number | null; readonly signal: string | null; readonly at: number } | null;
  readonly healthy: boolean | null;
  readonly reason: string | null;
}

export interface ReportSnapshot {
  /** A scheduled or asked-for report (events since the last one), or an alert (the alerts). */
  readonly kind: 'report' | 'alert';
  /** `report "daily"`, or `alert`. */
  readonly title: string;
  readonly host: string;
  readonly version: string;
  readonly pid: number;
  readonly config: string;
  /** When it was taken, and since when it counts restarts and events (ms since the epoch). */
  readonly at: number;
  readonly since: number;
  readonly uptimeMs: number;
  readonly processes: readonly ReportRow[];
  readonly events: readonly ReportEvent[];
  /** Events after `since` that are not listed (the log keeps a bounded number). */
  readonly omittedEvents: number;
}

export interface SnapshotInput {
  readonly kind: 'report' | 'alert';
  readonly title: string;
  readonly host: string;
  readonly at: number;
  readonly since: number;
  /** Each process's restart count at `since`; a process missing here counts all its restarts. */
  readonly baseline: ReadonlyMap<string, number>;
  readonly events: readonly ReportEvent[];
  readonly omittedEvents: number;
}

export function buildSnapshot(status: StatusReport, input: SnapshotInput): ReportSnapshot {
  const { supervisor } = status;
  return {
    kind: input.kind,
    title: input.title,
    host: input.host,
    version: supervisor.version,
    pid: supervisor.pid,
    config: supervisor.config,
    at: input.at,
    since: input.since,
    uptimeMs: supervisor.uptime_s * 1000,
    processes: status.processes.map((p) => toRow(p, input.baseline.get(p.name))),
    events: input.events,
    omittedEvents: input.omittedEvents,
  };
}

function toRow(p: ProcessStatus, restartsBefore: number | undefined): ReportRow {
  // A process created again (reload, scale) starts counting at 0: then all its restarts are new.
  const restarts = restartsBefore === undefined || restartsBefore > p.restarts ? p.restarts : p.restarts - restartsBefore;
  return {
    name: p.name,
    state: p.state,
    pid: p.pid,
    uptimeMs: p.uptime_s === null ? null : p.uptime_s * 1000,
    restarts,
    memoryBytes: p.pss_bytes ?? p.rss_bytes,
    lastExit: p.last_exit_at === null ? null : { code: p.exit_code, signal: p.exit_signal, at: Date.parse(p.last_exit_at) },
    healthy: p.healthy,
    reason: p.reason,
  };
}

/** The restart counts to remember as the next report's baseline. */
export function restartCounts(status: StatusReport): Map<string, number> {
  return new Map(status.processes.map((p) => [p.name, p.restarts]));
}

const TROUBLED_STATES: ReadonlySet<string> = new Set(['backoff', 'fatal']);

/** A process in backoff or fatal, an unhealthy one, or a crash, fatal or health failure since. */
export function hasProblems(snapshot: ReportSnapshot): boolean {
  return (
    snapshot.processes.some((p) => TROUBLED_STATES.has(p.state) || p.healthy === false) ||
    snapshot.events.some((e) => PROBLEM_KINDS.has(e.kind)) ||
    snapshot.omittedEvents > 0
  );
}

/** `all 7 running`, or `5 running, 1 backoff, 1 fatal; 3 crashes, 1 fatal`: the subject's {summary}. */
export function summarize(snapshot: ReportSnapshot): string {
  const counts = countBy(snapshot.processes.map((p) => p.state));
  const states =
    snapshot.processes.length === 0
      ? 'no processes'
      : counts.size === 1 && counts.has('running')
        ? `all ${snapshot.processes.length} running`
        : [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  const problems = countBy(snapshot.events.filter((e) => PROBLEM_KINDS.has(e.kind)).map((e) => kindLabel(e.kind)));
  const happened = [...problems].map(([kind, n]) => `${n} ${n === 1 ? kind : (PLURALS[kind] ?? kind)}`).join(', ');
  return happened === '' ? states : `${states}; ${happened}`;
}

/** The subject of an alert: `fatal web:0`, or `3 alerts: fatal web:0, crash loop flaky:0, ...`. */
export function summarizeAlerts(alerts: readonly ReportEvent[]): string {
  const shown = alerts.slice(0, 3).map((a) => `${kindLabel(a.kind)} ${a.name ?? ''}`.trim());
  const more = alerts.length > shown.length ? `, +${alerts.length - shown.length} more` : '';
  return alerts.length === 1 ? shown[0]! : `${alerts.length} alerts: ${shown.join(', ')}${more}`;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

const PLURALS: Readonly<Record<string, string>> = { crash: 'crashes', fatal: 'fatals', 'crash loop': 'crash loops', 'memory restart': 'memory restarts' };
