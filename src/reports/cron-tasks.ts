// One node-cron task per report, kept in step with the config: a report whose schedule and
// time zone did not change keeps its task across reloads. node-cron loads only when a config
// has reports.
import type { ScheduledTask } from 'node-cron';
import { nodeCron } from '../schedule/cron.js';
import type { ReportSpec } from '../config/types.js';
import type { Logger } from '../logs/supd-log.js';

interface Task {
  readonly key: string;
  readonly task: ScheduledTask;
}

export class CronTasks {
  private readonly tasks = new Map<string, Task>();
  /** Changes apply one after another (node-cron is imported on the first). */
  private applying: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly tick: (name: string) => void,
  ) {}

  /** Schedules exactly these reports. */
  set(reports: readonly ReportSpec[]): void {
    this.applying = this.applying.then(() => this.apply(reports)).catch((error: Error) => this.log.error(`reports: cannot schedule: ${error.message}`));
  }

  close(): void {
    this.closed = true;
    this.set([]);
  }

  private async apply(reports: readonly ReportSpec[]): Promise<void> {
    const wanted = new Map(this.closed ? [] : reports.map((r) => [r.name, r]));
    for (const [name, { key, task }] of this.tasks) {
      const next = wanted.get(name);
      if (next === undefined || scheduleKey(next) !== key) {
        await task.destroy();
        this.tasks.delete(name);
      }
    }
    const missing = [...wanted.values()].filter((r) => !this.tasks.has(r.name));
    if (missing.length === 0) return;
    const cron = nodeCron();
    for (const report of missing) {
      const options = { name: `report ${report.name}`, logger: this.cronLogger(report.name), ...(report.timezone === null ? {} : { timezone: report.timezone }) };
      const task = cron.schedule(report.schedule, () => this.tick(report.name), options);
      this.tasks.set(report.name, { key: scheduleKey(report), task });
      this.log.info(`report ${report.name}: scheduled "${report.schedule}"${report.timezone === null ? '' : ` (${report.timezone})`}, next at ${task.getNextRun()?.toISOString() ?? '?'}`);
    }
  }

  // node-cron's own messages (a missed tick under load) go to supd.log, not to the console.
  private cronLogger(name: string) {
    const line = (m: unknown): string => `report ${name}: ${m instanceof Error ? m.message : String(m)}`;
    return {
      info: (m: string) => this.log.debug(line(m)),
      warn: (m: string) => this.log.warn(line(m)),
      error: (m: string | Error) => this.log.error(line(m)),
      debug: (m: string | Error) => this.log.debug(line(m)),
    };
  }
}

function scheduleKey(report: ReportSpec): string {
  return `${report.schedule}\u0000${report.timezone ?? ''}`;
}
