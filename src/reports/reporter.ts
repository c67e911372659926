// Reports and alerts for a running supervisor: listens to its events, sends each
// [reports.<name>] on its cron schedule, mails [alerts], answers `supd report`, and follows
// reloads. Every mail goes through the outbox, so nothing here waits on a mail server.
import { hostname } from 'node:os';
import type { AlertsSpec, ReportSpec, SupdConfig, TransportSpec } from '../config/types.js';
import type { ReportOutcome, ReportResult, StatusReport } from '../control/protocol.js';
import { SupdError } from '../errors.js';
import type { Logger } from '../logs/supd-log.js';
import type { SupervisorView } from '../supervisor/view.js';
import { buildStatusReport } from '../supervisor/status.js';
import { Alerter } from './alerts.js';
import { CronTasks } from './cron-tasks.js';
import { subscribeFeed } from './event-feed.js';
import { EventLog } from './event-log.js';
import { composeMail, type MailMessage } from './message.js';
import { describeError, Outbox, type RetryPolicy } from './outbox.js';
import { describeReload, type ReportEvent } from './report-event.js';
import { buildSnapshot, hasProblems, restartCounts, summarize, summarizeAlerts, type ReportSnapshot } from './snapshot.js';
import { deliverMail, type Deliver } from './transport.js';

export interface ReportsDeps {
  readonly log: Logger;
  readonly version: string;
  readonly host?: string;
  readonly deliver?: Deliver;
  readonly retry?: RetryPolicy;
  /** Told of every try to send a report (`report daily`) or alert (`alert`): metrics. */
  readonly onSendTry?: (label: string, ok: boolean) => void;
}

/** Where a report's "since the last report" starts. */
interface Cursor {
  readonly position: number;
  readonly at: number;
  readonly restarts: ReadonlyMap<string, number>;
}

const ALERT_SUBJECT = 'supd alert on {host}: {summary}';

export class Reports {
  private readonly host: string;
  private readonly deliver: Deliver;
  private readonly log: EventLog = new EventLog();
  private readonly outbox: Outbox;
  private readonly cron: CronTasks;
  private readonly cursors = new Map<string, Cursor>();
  private specs = new Map<string, ReportSpec>();
  private alerter: Alerter | null = null;
  private alertsSpec: AlertsSpec | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly supervisor: SupervisorView,
    private readonly deps: ReportsDeps,
  ) {
    this.host = deps.host ?? hostname();
    this.deliver = deps.deliver ?? deliverMail;
    this.outbox = new Outbox(this.deliver, deps.log, deps.retry, undefined, deps.onSendTry);
    this.cron = new CronTasks(deps.log, (name) => this.sendScheduled(name));
    this.unsubscribe = subscribeFeed(
      { events: supervisor.events, now: () => supervisor.now(), successExitCodes: (name) => supervisor.get(name)?.unit.successExitCodes },
      { event: (e) => this.record(e), respawn: (name, at) => this.alerter?.noteRespawn(name, at) },
    );
    supervisor.events.on('config:reloaded', this.onReload);
    supervisor.events.on('process:removed', this.onRemoved);
    this.apply(supervisor.currentConfig);
  }

  /** `supd report [name] [--send]`: the report now, as text; with send, through its transport. */
  async answer(name: string | undefined, send: boolean): Promise<ReportResult> {
    const specs = this.pick(name, send);
    const reports = await Promise.all(specs.map((spec) => this.answerOne(spec, send)));
    return { reports };
  }

  /** Stops the schedules, the alerts and the retries (supd is exiting). */
  close(): void {
    this.unsubscribe();
    this.supervisor.events.off('config:reloaded', this.onReload);
    this.supervisor.events.off('process:removed', this.onRemoved);
    this.cron.close();
    this.alerter?.close();
    this.outbox.close();
  }

  private pick(name: string | undefined, send: boolean): Addressed[] {
    if (name !== undefined) {
      const spec = this.specs.get(name);
      if (spec === undefined) throw new SupdError('SUPD_E_NO_SUCH_REPORT', `no report named ${name}${this.known()}`);
      return [spec];
    }
    if (this.specs.size > 0) return [...this.specs.values()];
    if (send) throw new SupdError('SUPD_E_NO_SUCH_REPORT', 'the config has no [reports.<name>] table: nothing to send the report through');
    return [AD_HOC_REPORT];
  }

  private known(): string {
    return this.specs.size === 0 ? ' (the config has no [reports.<name>] table)' : ` (known: ${[...this.specs.keys()].join(', ')})`;
  }

  private async answerOne(spec: Addressed, send: boolean): Promise<ReportOutcome> {
    const { message } = this.compose(spec, false);
    if (!send || spec.transport === undefined) return { name: spec.name, text: message.text };
    try {
      const delivery = await this.deliver(spec.transport, message);
      const ok = delivery.rejected.length === 0;
      this.deps.onSendTry?.(`report ${spec.name}`, ok);
      const detail = ok ? delivery.response : `rejected: ${delivery.rejected.join(', ')} (${delivery.response})`;
      this.deps.log[ok ? 'info' : 'warn'](`report ${spec.name}: sent on request "${message.subject}" (${detail})`);
      return { name: spec.name, text: message.text, sent: { ok, message: detail } };
    } catch (error) {
      const reason = describeError(error);
      this.deps.onSendTry?.(`report ${spec.name}`, false);
      this.deps.log.warn(`report ${spec.name}: cannot send on request: ${reason}`);
      return { name: spec.name, text: message.text, sent: { ok: false, message: reason } };
    }
  }

  // The report now; `advance` moves its "since the last report" to now (scheduled reports only:
  // one asked for with `supd report` takes nothing away from the next scheduled one).
  private compose(spec: Addressed, advance: boolean): { snapshot: ReportSnapshot; message: MailMessage } {
    const now = this.supervisor.now();
    const status = this.status(now);
    const cursor = this.cursors.get(spec.name) ?? { position: 0, at: this.supervisor.startedAt, restarts: new Map() };
    const { events, omitted } = this.log.since(cursor.position);
    const snapshot = buildSnapshot(status, {
      kind: 'report',
      title: `report "${spec.name}"`,
      host: this.host,
      at: now,
      since: cursor.at,
      baseline: cursor.restarts,
      events,
      omittedEvents: omitted,
    });
    if (advance) this.cursors.set(spec.name, { position: this.log.position, at: now, restarts: restartCounts(status) });
    return { snapshot, message: composeMail(snapshot, summarize(snapshot), spec) };
  }

  private sendScheduled(name: string): void {
    const spec = this.specs.get(name);
    if (spec === undefined) return;
    const { snapshot, message } = this.compose(spec, true);
    if (spec.onlyOnProblems && !hasProblems(snapshot)) {
      this.deps.log.debug(`report ${name}: nothing wrong, not sent (only_on_problems)`);
      return;
    }
    this.outbox.post(`report ${name}`, spec.transport, message);
  }

  private sendAlerts(alerts: readonly ReportEvent[]): void {
    const spec = this.alertsSpec;
    if (spec === null || alerts.length === 0) return;
    const now = this.supervisor.now();
    const snapshot = buildSnapshot(this.status(now), {
      kind: 'alert',
      title: 'alert',
      host: this.host,
      at: now,
      since: this.supervisor.startedAt,
      baseline: new Map(),
      events: alerts,
      omittedEvents: 0,
    });
    const message = composeMail(snapshot, summarizeAlerts(alerts), { from: spec.from, to: spec.to, subject: ALERT_SUBJECT });
    this.outbox.post('alert', spec.transport, message);
  }

  private record(event: ReportEvent): void {
    this.log.add(event);
    this.alerter?.note(event);
  }

  private status(now: number): StatusReport {
    const config = this.supervisor.currentConfig.file;
    return buildStatusReport(this.supervisor.list(), { pid: process.pid, version: this.deps.version, config, startedAt: this.supervisor.startedAt }, now, this.supervisor);
  }

  // A reload is told with what it changed in the programs and in [reports] and [alerts].
  private readonly onReload = ({ lines }: { lines: readonly string[] }): void => {
    const changes = this.apply(this.supervisor.currentConfig);
    for (const line of changes) this.deps.log.info(`reload: ${line}`);
    this.record({ at: this.supervisor.now(), kind: 'reload', name: null, detail: describeReload([...lines, ...changes]) });
  };

  private readonly onRemoved = ({ name }: { name: string }): void => this.alerter?.forget(name);

  // The [reports] and [alerts] of a (re)loaded config: schedules change only where they
  // changed. Returns what changed: `added report weekly`, `changed alerts`...
  private apply(config: SupdConfig): string[] {
    const next = new Map(config.reports.map((r) => [r.name, r]));
    const changes = describeChanges('report', this.specs, next);
    for (const name of this.specs.keys()) if (!next.has(name)) this.cursors.delete(name);
    this.specs = next;
    this.cron.set(config.reports);
    const alerts = new Map(config.alerts === null ? [] : [['', config.alerts]]);
    changes.push(...describeChanges('alerts', new Map(this.alertsSpec === null ? [] : [['', this.alertsSpec]]), alerts));
    this.alertsSpec = config.alerts;
    if (config.alerts === null) {
      this.alerter?.close();
      this.alerter = null;
    } else if (this.alerter === null) {
      this.alerter = new Alerter(config.alerts, { now: () => this.supervisor.now(), flush: (list) => this.sendAlerts(list) });
    } else {
      this.alerter.update(config.alerts);
    }
    return changes;
  }
}

function describeChanges<T>(noun: string, before: ReadonlyMap<string, T>, after: ReadonlyMap<string, T>): string[] {
  const label = (name: string) => (name === '' ? noun : `${noun} ${name}`);
  const lines: string[] = [];
  for (const [name, spec] of after) {
    const old = before.get(name);
    if (old === undefined) lines.push(`added ${label(name)}`);
    else if (JSON.stringify(old) !== JSON.stringify(spec)) lines.push(`changed ${label(name)}`);
  }
  for (const name of before.keys()) if (!after.has(name)) lines.push(`removed ${label(name)}`);
  return lines;
}

/** What composing a report needs; a report from the config also has its transport. */
type Addressed = Pick<ReportSpec, 'name' | 'from' | 'to' | 'subject'> & { readonly transport?: TransportSpec };

// `supd report` on a config without [reports]: the status since supd started, to read only.
const AD_HOC_REPORT: Addressed = { name: 'status', from: null, to: [], subject: 'supd on {host}: {summary}' };
