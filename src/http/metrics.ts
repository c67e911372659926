// GET /metrics: the Prometheus text format (version 0.0.4) of SPEC section 9, written by hand
// from one snapshot (gauges) and the event-kept counters. Pure: the caller takes the snapshot.
// Hand-written rather than prom-client (measured in bench/http.js, see docs/dashboard.md): cheaper
// and needs no registry kept in step with processes that come and go (bench/http.js).
import { constants } from 'node:os';
import type { ProcessStatus } from '../control/protocol.js';
import { PROCESS_STATES } from '../process/states.js';
import { type CounterMap, type MetricCounters } from './counters.js';

export interface ProcessSample {
  readonly status: ProcessStatus;
  /** When the current child started (ms since the epoch), or null without one. */
  readonly startedAt: number | null;
  /** CPU seconds used by this process so far, across its children (cpu.ts), or null if never read. */
  readonly cpuSeconds: number | null;
}

export interface MetricsSnapshot {
  readonly version: string;
  readonly desired: readonly { readonly program: string; readonly method: string | null; readonly count: number }[];
  readonly processes: readonly ProcessSample[];
  readonly counters: MetricCounters;
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderMetrics(s: MetricsSnapshot): string {
  const out: string[] = [];
  const w: Writer = {
    family: (name, type, help) => void out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`),
    sample: (name, labels, value) => void out.push(labels === '' ? `${name} ${formatValue(value)}` : `${name}{${labels}} ${formatValue(value)}`),
    labelsOf: new Map(s.processes.map((p) => [p.status.name, processLabels(p.status)])),
  };
  writeSupervisor(w, s);
  writeStates(w, s.processes);
  writeGauges(w, s.processes);
  writeProcessCounters(w, s);
  writeSchedulesAndReports(w, s);
  return `${out.join('\n')}\n`;
}

interface Writer {
  family(name: string, type: 'gauge' | 'counter', help: string): void;
  /** One sample; labels already escaped and joined (`a="x",b="y"`), or '' for none. */
  sample(name: string, labels: string, value: number): void;
  /** process name -> its process, program and method labels. */
  readonly labelsOf: ReadonlyMap<string, string>;
}

function writeSupervisor(w: Writer, s: MetricsSnapshot): void {
  w.family('supd_build_info', 'gauge', 'supd version and Node.js version; always 1.');
  w.sample('supd_build_info', `version="${escape(s.version)}",node="${escape(process.version)}"`, 1);
  w.family('supd_config_last_reload_successful', 'gauge', 'Whether the last reload of the config applied (1) or was refused (0); 1 before any.');
  w.sample('supd_config_last_reload_successful', '', s.counters.lastReloadOk ? 1 : 0);
  w.family('supd_config_reloads_total', 'counter', 'Reloads of the config, by result (success, failure).');
  for (const result of ['success', 'failure']) w.sample('supd_config_reloads_total', `result="${result}"`, s.counters.reloads.get(result) ?? 0);
  w.family('supd_program_desired_processes', 'gauge', 'Processes wanted of each program and method (processes, or scale at run time).');
  for (const d of s.desired) w.sample('supd_program_desired_processes', `program="${escape(d.program)}",method="${escape(d.method ?? '')}"`, d.count);
}

function writeStates(w: Writer, processes: readonly ProcessSample[]): void {
  w.family('supd_process_state', 'gauge', 'The state of each process: 1 for its current state, 0 for the others.');
  for (const p of processes) {
    const labels = w.labelsOf.get(p.status.name)!;
    for (const state of PROCESS_STATES) w.sample('supd_process_state', `${labels},state="${state}"`, p.status.state === state ? 1 : 0);
  }
}

// The per-process gauges that exist only while there is something to say.
function writeGauges(w: Writer, processes: readonly ProcessSample[]): void {
  const each = (name: string, help: string, value: (p: ProcessSample) => number | null): void => {
    w.family(name, 'gauge', help);
    for (const p of processes) {
      const v = value(p);
      if (v !== null) w.sample(name, w.labelsOf.get(p.status.name)!, v);
    }
  };
  each('supd_process_start_time_seconds', 'When the current child started (seconds since the epoch).', (p) => (p.startedAt === null || p.status.pid === null ? null : p.startedAt / 1000));
  each('supd_process_last_exit_code', 'The exit code of the last exit (128 + the signal number for a signal).', (p) => exitCode(p.status));
  each('supd_process_resident_memory_bytes', "Resident memory of the process's tree (RSS).", (p) => p.status.rss_bytes);
  each('supd_process_healthy', 'The last health check: 1 healthy, 0 unhealthy (processes with a health check, once known).', (p) => (p.status.healthy === null ? null : p.status.healthy ? 1 : 0));
  each('supd_scheduled_next_run_timestamp_seconds', 'When a waiting scheduled process runs next (seconds since the epoch).', (p) => (p.status.next_run === null ? null : Date.parse(p.status.next_run) / 1000));
}

function writeProcessCounters(w: Writer, s: MetricsSnapshot): void {
  w.family('supd_process_restarts_total', 'counter', 'Starts after the first, by reason (crash, exit, command, watch, health, memory, schedule).');
  perProcess(s.counters.restarts, w.labelsOf, 'reason', (labels, v) => w.sample('supd_process_restarts_total', labels, v));
  w.family('supd_process_exits_total', 'counter', 'Ends of a process, by outcome (success, failure, signal, stopped).');
  perProcess(s.counters.exits, w.labelsOf, 'outcome', (labels, v) => w.sample('supd_process_exits_total', labels, v));
  w.family('supd_process_cpu_seconds_total', 'counter', 'CPU time (user + system) of the process and the children it waited for, across its restarts.');
  for (const p of s.processes) if (p.cpuSeconds !== null) w.sample('supd_process_cpu_seconds_total', w.labelsOf.get(p.status.name)!, p.cpuSeconds);
}

function writeSchedulesAndReports(w: Writer, s: MetricsSnapshot): void {
  w.family('supd_scheduled_runs_total', 'counter', 'Runs of scheduled programs, by result (success, failure).');
  for (const [k, v] of s.counters.scheduledRuns) {
    const [program, result] = k.split('\0');
    w.sample('supd_scheduled_runs_total', `program="${escape(program!)}",result="${result}"`, v);
  }
  w.family('supd_reports_sent_total', 'counter', 'Tries to send a report (by its name; alerts as "alerts"), by result (success, failure).');
  for (const [k, v] of s.counters.reportsSent) {
    const [name, result] = k.split('\0');
    w.sample('supd_reports_sent_total', `name="${escape(name!)}",result="${result}"`, v);
  }
}

// Counters keyed process NUL label: written only for processes that still exist (no per-pid labels).
function perProcess(map: CounterMap, labelsOf: ReadonlyMap<string, string>, label: string, write: (labels: string, value: number) => void): void {
  for (const [k, v] of map) {
    const [name, value] = k.split('\0');
    const labels = labelsOf.get(name!);
    if (labels !== undefined) write(`${labels},${label}="${value}"`, v);
  }
}

function processLabels(p: ProcessStatus): string {
  return `process="${escape(p.name)}",program="${escape(p.program)}",method="${escape(p.method ?? '')}"`;
}

function exitCode(p: ProcessStatus): number | null {
  if (p.exit_code !== null) return p.exit_code;
  if (p.exit_signal === null) return null;
  const n = constants.signals[p.exit_signal as NodeJS.Signals];
  return n === undefined ? null : 128 + n;
}

// Label values: backslash, double quote and newline escaped (the text format's rules).
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

