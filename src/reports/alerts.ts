// [alerts]: a fatal, a crash loop or an unhealthy process becomes an alert; alerts are
// gathered (those within a second of each other always together) and handed out in one batch,
// at most one batch per min_interval. Never a storm: a thousand alerts make a few mails.
import type { AlertsSpec } from '../config/types.js';
import { formatDuration } from '../config/units.js';
import { alertDueAt, NO_LOOP, noteRespawn, type LoopState } from './alert-plan.js';
import type { ReportEvent } from './report-event.js';
import { scheduleTimeout, type Schedule } from './timer.js';

export interface AlerterDeps {
  now(): number;
  readonly schedule?: Schedule;
  /** Sends one mail with these alerts (in the order they came). */
  flush(alerts: readonly ReportEvent[]): void;
}

export class Alerter {
  private pending: ReportEvent[] = [];
  private firstAt = 0;
  private lastSentAt: number | null = null;
  private cancel: (() => void) | null = null;
  private readonly loops = new Map<string, LoopState>();

  constructor(
    private spec: AlertsSpec,
    private readonly deps: AlerterDeps,
  ) {}

  /** A new [alerts] table after a reload: the batch and the interval carry on. */
  update(spec: AlertsSpec): void {
    this.spec = spec;
    this.loops.clear();
    if (this.pending.length > 0) this.schedule();
  }

  /** Any report event; the kinds in `on` become alerts. */
  note(event: ReportEvent): void {
    if (event.kind === 'crash_loop' || !(this.spec.on as readonly string[]).includes(event.kind)) return;
    this.add(event);
  }

  /** An automatic respawn: enough of them in the window make a crash-loop alert (one per window). */
  noteRespawn(name: string, at: number): void {
    if (!this.spec.on.includes('crash_loop')) return;
    const { state, loop } = noteRespawn(this.loops.get(name) ?? NO_LOOP, at, this.spec.crashLoop);
    this.loops.set(name, state);
    if (loop !== null) this.add({ at, kind: 'crash_loop', name, detail: `${loop} restarts within ${formatDuration(this.spec.crashLoop.windowMs)}` });
  }

  /** Processes gone from the config are forgotten. */
  forget(name: string): void {
    this.loops.delete(name);
  }

  close(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private add(alert: ReportEvent): void {
    if (this.pending.length === 0) this.firstAt = alert.at;
    this.pending.push(alert);
    this.schedule();
  }

  private schedule(): void {
    this.cancel?.();
    const lastAt = this.pending[this.pending.length - 1]!.at;
    const due = alertDueAt({ firstAt: this.firstAt, lastAt }, this.lastSentAt, this.spec.minIntervalMs);
    this.cancel = (this.deps.schedule ?? scheduleTimeout)(() => this.send(), Math.max(0, due - this.deps.now()));
  }

  private send(): void {
    this.cancel = null;
    const alerts = this.pending;
    this.pending = [];
    this.lastSentAt = this.deps.now();
    this.deps.flush(alerts);
  }
}
