// Thin translators from control requests to supervisor calls: through its narrow faces
// (src/supervisor/view.ts), a read-only view for status and describe, a control interface for
// commands, never the Supervisor class.
import { constants } from 'node:os';
import { MAX_PROCESSES } from '../config/process-count.js';
import { normalizeSignal } from '../config/units.js';
import { SupdError } from '../errors.js';
import { describeRecord } from '../supervisor/describe.js';
import type { ProcessHistory } from '../supervisor/history.js';
import { buildStatusReport } from '../supervisor/status.js';
import type { SupervisorControl, SupervisorView, WaitFor } from '../supervisor/view.js';
import { clearLogs } from '../logs/clear-logs.js';
import { parseGrep } from '../logs/line-filter.js';
import type { ProcessOutput } from '../logs/process-output.js';
import { serveLogs } from '../logs/serve-logs.js';
import type { CommandResult, DashboardResult, DescribeResult, ReportResult, Request, StatusReport } from './protocol.js';
import type { ResponseStream } from './server.js';

export interface HandlerContext {
  /** What status and describe read. */
  readonly view: SupervisorView;
  /** What start, stop, restart, signal and scale ask. */
  readonly control: SupervisorControl;
  /** Each process's log files, for `supd logs`. */
  readonly outputs: { outputOf(name: string): ProcessOutput | undefined };
  readonly version: string;
  /** Stops everything and exits supd; resolves once everything is stopped. */
  readonly shutdown: () => Promise<void>;
  /** Re-reads the config file and applies the difference (throws SUPD_E_CONFIG_INVALID with every issue). */
  readonly reload: (options?: { dryRun?: boolean }) => Promise<{ lines: readonly string[]; refused: readonly string[] }>;
  /** `supd report [name] [--send]` (src/reports). */
  readonly report?: (name: string | undefined, send: boolean) => Promise<ReportResult>;
  /** Each process's recent states and exits, for `supd describe`. */
  readonly history?: ProcessHistory;
  /** The dashboard's login URL, or null when [supervisor.http] is off. */
  readonly dashboardUrl?: () => string | null;
}

type RequestOf<C extends Request['cmd']> = Request & { readonly cmd: C };
type Answer<C extends Request['cmd']> = (ctx: HandlerContext, request: RequestOf<C>, stream: ResponseStream) => Promise<unknown> | unknown;

const DEFAULT_TIMEOUT_MS = 60_000;

const ANSWERS: { readonly [C in Request['cmd']]: Answer<C> } = {
  ping: (ctx) => ({ pid: process.pid, version: ctx.version }),
  status: (ctx, r) => statusOf(ctx, r.targets),
  start: async (ctx, r) => ({ outcomes: await ctx.control.start(names(ctx, r.targets, false), waitOf(r)) }) satisfies CommandResult,
  stop: async (ctx, r) => ({ outcomes: await ctx.control.stop(names(ctx, r.targets, false), waitOf(r)) }) satisfies CommandResult,
  restart: async (ctx, r) => ({ outcomes: await ctx.control.restart(names(ctx, r.targets, false), waitOf(r)) }) satisfies CommandResult,
  signal: (ctx, r) => ({ outcomes: ctx.control.signal(names(ctx, r.targets, false), parseSignal(r.signal), r.group === true) }) satisfies CommandResult,
  scale: (ctx, r) => scale(ctx, r),
  logs: (ctx, r, stream) => logs(ctx, r, stream),
  reload: (ctx, r) => reload(ctx, r.dryRun === true),
  report: async (ctx, r) => {
    if (ctx.report === undefined) throw new SupdError('SUPD_E_INTERNAL', 'reports are not running in this supd');
    return (await ctx.report(r.name, r.send === true)) satisfies ReportResult;
  },
  describe: (ctx, r) => describe(ctx, r.targets),
  dashboard: (ctx) => {
    const url = ctx.dashboardUrl?.() ?? null;
    if (url === null) throw new SupdError('SUPD_E_USAGE', 'the dashboard is off: set [supervisor.http] listen = "127.0.0.1:9190" in the config and restart supd');
    return { url } satisfies DashboardResult;
  },
  shutdown: async (ctx) => {
    await ctx.shutdown();
    return { outcomes: [] } satisfies CommandResult;
  },
};

export function createHandler(ctx: HandlerContext): (request: Request, stream: ResponseStream) => Promise<unknown> {
  return async (request, stream) => {
    const answer = Object.hasOwn(ANSWERS, request.cmd) ? (ANSWERS[request.cmd] as Answer<Request['cmd']>) : undefined;
    if (answer === undefined) throw new SupdError('SUPD_E_PROTOCOL', `unknown command ${(request as { cmd: string }).cmd}`);
    return answer(ctx, request, stream);
  };
}

// The processes the targets name (none: every process, where allowed).
function names(ctx: HandlerContext, targets: readonly string[] | undefined, allowEmpty: boolean): string[] {
  const list = targets ?? [];
  if (list.length === 0 && !allowEmpty) throw new SupdError('SUPD_E_USAGE', 'name at least one target (or all)');
  const match = ctx.control.resolveTargets(list.length === 0 ? ['all'] : list);
  if (match.unmatched.length > 0) throw new SupdError('SUPD_E_NO_SUCH_PROCESS', `no process matches ${match.unmatched.join(', ')}`);
  return match.names;
}

function waitOf(r: { wait?: boolean; timeoutMs?: number }): WaitFor {
  return r.wait === false ? null : { timeoutMs: r.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

function statusOf(ctx: HandlerContext, targets: readonly string[] | undefined): StatusReport {
  const { view } = ctx;
  const facts = { pid: process.pid, version: ctx.version, config: view.currentConfig.file, startedAt: view.startedAt };
  // Every process (a bare `supd status`, a poller): the list as it is, without matching each
  // name against `all` (at 5,000 processes that was a tenth of the answer's time, in garbage).
  if (targets === undefined || targets.length === 0 || (targets.length === 1 && targets[0] === 'all')) return buildStatusReport(view.list(), facts, view.now(), view);
  const wanted = new Set(names(ctx, targets, true));
  return buildStatusReport(view.list().filter((p) => wanted.has(p.name)), facts, view.now(), view);
}

async function scale(ctx: HandlerContext, request: RequestOf<'scale'>): Promise<CommandResult> {
  if (!Number.isInteger(request.count) || request.count < 0 || request.count > MAX_PROCESSES) {
    throw new SupdError('SUPD_E_USAGE', `the count must be a whole number from 0 to ${MAX_PROCESSES}`);
  }
  const { line, outcomes } = await ctx.control.scale(request.unit, request.count, waitOf(request));
  return { outcomes, lines: [line] };
}

function logs(ctx: HandlerContext, request: RequestOf<'logs'>, stream: ResponseStream): Promise<unknown> {
  const lines = request.lines ?? 50;
  if (!Number.isInteger(lines) || lines < 0) throw new SupdError('SUPD_E_USAGE', 'the line count must be a whole number >= 0');
  const targets = names(ctx, request.targets, request.clear !== true).map((name) => ({ name, output: ctx.outputs.outputOf(name) }));
  if (request.clear === true) return clearLogs(targets, request.stderr === true ? ['stderr'] : ['stdout', 'stderr']).then((cleared) => ({ lines: cleared }));
  if (request.sinceMs !== undefined && !Number.isFinite(request.sinceMs)) throw new SupdError('SUPD_E_USAGE', 'sinceMs must be a time in ms');
  const filter = { sinceMs: request.sinceMs ?? null, grep: request.grep === undefined ? null : parseGrep(request.grep) };
  return serveLogs(targets, { lines, follow: request.follow === true, stream: request.stderr === true ? 'stderr' : 'stdout', filter }, stream);
}

async function reload(ctx: HandlerContext, dryRun: boolean): Promise<CommandResult> {
  const { lines, refused } = await ctx.reload({ dryRun });
  const warnings = refused.map((key) => `refused ${key}: cannot change while supd runs (restart supd to apply it)`);
  return { outcomes: [], lines, warnings };
}

function describe(ctx: HandlerContext, targets: readonly string[]): DescribeResult {
  if (ctx.history === undefined) throw new SupdError('SUPD_E_INTERNAL', 'no process history is kept in this supd');
  const history = ctx.history;
  return { records: names(ctx, targets, false).map((name) => describeRecord(ctx.view.get(name)!, history, ctx.view)) };
}

export function parseSignal(name: string): NodeJS.Signals {
  const signal = /^[0-9]+$/.test(name) ? signalByNumber(Number(name)) : normalizeSignal(name);
  if (signal === null || !(signal in constants.signals)) throw new SupdError('SUPD_E_USAGE', `unknown signal ${name}`);
  return signal;
}

function signalByNumber(n: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === n);
  return entry === undefined ? null : (entry[0] as NodeJS.Signals);
}
