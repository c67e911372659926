// Wires the optional listener to a running supervisor (called from `supd run`, loaded only
// when [supervisor.http] is set): the counters subscribe at once, the listener starts later.
import path from 'node:path';
import type { HttpSpec } from '../config/types.js';
import { SupdError } from '../errors.js';
import type { RequestHandler } from '../control/server.js';
import type { Logger } from '../logs/supd-log.js';
import { describeProcess } from '../supervisor/status.js';
import type { SupervisorView } from '../supervisor/view.js';
import { MetricCounters } from './counters.js';
import { CpuTotals } from './cpu.js';
import { LiveFeed } from './live.js';
import { renderMetrics, type MetricsSnapshot } from './metrics.js';
import { startHttpListener, type HttpListener } from './server.js';
import { findWebDir } from './static-files.js';
import { ensureToken } from './token.js';

export class HttpSide {
  readonly counters: MetricCounters;
  private readonly cpu = new CpuTotals();
  private live: LiveFeed | null = null;
  private listener: HttpListener | null = null;

  constructor(private readonly supervisor: SupervisorView, private readonly version: string) {
    this.counters = new MetricCounters(supervisor.events, {
      stateOf: (name) => supervisor.get(name)?.state,
      successExitCodes: (name) => supervisor.get(name)?.unit.successExitCodes,
      isScheduled: (name) => supervisor.get(name)?.isScheduled === true,
      programOf: (name) => supervisor.get(name)?.unit.program,
    });
  }

  /** Starts listening; returns the login URL. */
  async listen(spec: HttpSpec, stateDir: string, handle: RequestHandler, log: Logger): Promise<string> {
    const status = (): Promise<unknown> => handle({ id: 0, cmd: 'status' }, { send: () => false, drained: () => Promise.resolve(), signal: new AbortController().signal });
    this.live = new LiveFeed(this.supervisor.events, status, () => this.supervisor.now());
    this.listener = await startHttpListener({
      spec,
      token: ensureToken(stateDir),
      handle,
      metrics: () => renderMetrics(this.snapshot()),
      live: this.live,
      log,
      supdLogFile: () => path.join(this.supervisor.currentConfig.supervisor.logDir, 'supd.log'),
      webDir: findWebDir(),
    }).catch((error: Error) => {
      throw new SupdError('SUPD_E_START_FAILED', `cannot listen on ${spec.listenText} ([supervisor.http] listen): ${error.message}`, { cause: error });
    });
    return this.listener.url;
  }

  get url(): string | null {
    return this.listener?.url ?? null;
  }

  async close(): Promise<void> {
    this.live?.close();
    await this.listener?.close();
    this.counters.close();
  }

  // One status snapshot (the same object `supd status --json` prints) for every gauge.
  private snapshot(): MetricsSnapshot {
    const procs = this.supervisor.list();
    const statuses = procs.map((p) => describeProcess(p, this.supervisor));
    this.cpu.keepOnly(new Set(procs.map((p) => p.name)));
    const desired = new Map<string, { program: string; method: string | null; count: number }>();
    for (const unit of this.supervisor.currentConfig.units) desired.set(unit.name, { program: unit.program, method: unit.method, count: unit.processes });
    for (const p of procs) desired.set(p.unit.name, { program: p.unit.program, method: p.unit.method, count: p.unit.processes });
    return {
      version: this.version,
      desired: [...desired.values()],
      processes: statuses.map((status, i) => ({ status, startedAt: procs[i]!.startedAt, cpuSeconds: this.cpu.read(status.name, status.pid) })),
      counters: this.counters,
    };
  }
}
