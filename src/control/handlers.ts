// Thin translators from control requests to supervisor calls.
import { constants } from 'node:os';
import { MAX_PROCESSES } from '../config/process-count.js';
import { normalizeSignal } from '../config/units.js';
import { SupdError } from '../errors.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { describeRecord } from '../supervisor/describe.js';
import type { ProcessHistory } from '../supervisor/history.js';
import { buildStatusReport } from '../supervisor/status.js';
import { clearLogs } from '../logs/clear-logs.js';
import { parseGrep } from '../logs/line-filter.js';
import { serveLogs } from '../logs/serve-logs.js';
import type { CommandResult, DashboardResult, DescribeResult, ReportResult, Request, StatusReport } from './protocol.js';
import type { ResponseStream } from './server.js';

export interface HandlerContext {
  readonly supervisor: Supervisor;
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

const DEFAULT_TIMEOUT_MS = 60_000;

export function createHandler(ctx: HandlerContext): (request: Request, stream: ResponseStream) => Promise<unknown> {
  const { supervisor } = ctx;
  const names = (targets: readonly string[] | undefined, allowEmpty: boolean): string[] => {
    const list = targets ?? [];
    if (list.length === 0 && !allowEmpty) throw new SupdError('SUPD_E_USAGE', 'name at least one target (or all)');
    const match = supervisor.resolveTargets(list.length === 0 ? ['all'] : list);
    if (match.unmatched.length > 0) throw new SupdError('SUPD_E_NO_SUCH_PROCESS', `no process matches ${match.unmatched.join(', ')}`);
    return match.names;
  };
  const waitOf = (r: { wait?: boolean; timeoutMs?: number }) => (r.wait === false ? null : { timeoutMs: r.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  return async (request, stream): Promise<unknown> => {
    switch (request.cmd) {
      case 'ping':
        return { pid: process.pid, version: ctx.version };
      case 'status': {
        const wanted = new Set(names(request.targets, true));
        return buildStatusReport(
          supervisor.list().filter((p) => wanted.has(p.name)),
          { pid: process.pid, version: ctx.version, config: supervisor.currentConfig.file, startedAt: supervisor.startedAt },
          supervisor.now(),
          supervisor,
        ) satisfies StatusReport;
      }
      case 'start':
      case 'stop':
      case 'restart':
        return { outcomes: await supervisor[request.cmd](names(request.targets, false), waitOf(request)) } satisfies CommandResult;
      case 'signal':
        return { outcomes: supervisor.signal(names(request.targets, false), parseSignal(request.signal), request.group === true) } satisfies CommandResult;
      case 'scale': {
        if (!Number.isInteger(request.count) || request.count < 0 || request.count > MAX_PROCESSES) {
          throw new SupdError('SUPD_E_USAGE', `the count must be a whole number from 0 to ${MAX_PROCESSES}`);
        }
        const { line, outcomes } = await supervisor.scale(request.unit, request.count, waitOf(request));
        return { outcomes, lines: [line] } satisfies CommandResult;
      }
      case 'logs': {
        const lines = request.lines ?? 50;
        if (!Number.isInteger(lines) || lines < 0) throw new SupdError('SUPD_E_USAGE', 'the line count must be a whole number >= 0');
        const targets = names(request.targets, request.clear !== true).map((name) => ({ name, output: supervisor.outputOf(name) }));
        if (request.clear === true) return { lines: await clearLogs(targets, request.stderr === true ? ['stderr'] : ['stdout', 'stderr']) };
        if (request.sinceMs !== undefined && !Number.isFinite(request.sinceMs)) throw new SupdError('SUPD_E_USAGE', 'sinceMs must be a time in ms');
        const filter = { sinceMs: request.sinceMs ?? null, grep: request.grep === undefined ? null : parseGrep(request.grep) };
        return serveLogs(targets, { lines, follow: request.follow === true, stream: request.stderr === true ? 'stderr' : 'stdout', filter }, stream);
      }
      case 'reload': {
        const { lines, refused } = await ctx.reload({ dryRun: request.dryRun === true });
        const warnings = refused.map((key) => `refused ${key}: cannot change while supd runs (restart supd to apply it)`);
        return { outcomes: [], lines, warnings } satisfies CommandResult;
      }
      case 'report':
        if (ctx.report === undefined) throw new SupdError('SUPD_E_INTERNAL', 'reports are not running in this supd');
        return (await ctx.report(request.name, request.send === true)) satisfies ReportResult;
      case 'describe': {
        if (ctx.history === undefined) throw new SupdError('SUPD_E_INTERNAL', 'no process history is kept in this supd');
        const history = ctx.history;
        return { records: names(request.targets, false).map((name) => describeRecord(supervisor.get(name)!, history, supervisor)) } satisfies DescribeResult;
      }
      case 'dashboard': {
        const url = ctx.dashboardUrl?.() ?? null;
        if (url === null) throw new SupdError('SUPD_E_USAGE', 'the dashboard is off: set [supervisor.http] listen = "127.0.0.1:9190" in the config and restart supd');
        return { url } satisfies DashboardResult;
      }
      case 'shutdown':
        await ctx.shutdown();
        return { outcomes: [] } satisfies CommandResult;
      default:
        throw new SupdError('SUPD_E_PROTOCOL', `unknown command ${(request as { cmd: string }).cmd}`);
    }
  };
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
