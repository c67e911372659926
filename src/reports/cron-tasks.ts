// One node-cron task per report, kept in step with the config by the CronKeeper: a report
// whose schedule and time zone did not change keeps its task across reloads.
import { CronKeeper, type CronJob, type CronLogger } from '../schedule/cron-keeper.js';
import type { ReportSpec } from '../config/types.js';
import type { Logger } from '../logs/supd-log.js';

export class CronTasks {
  private readonly keeper = new CronKeeper();
  private closed = false;

  constructor(
    private readonly log: Logger,
    private readonly tick: (name: string) => void,
  ) {}

  /** Schedules exactly these reports. */
  set(reports: readonly ReportSpec[]): void {
    try {
      const added = this.keeper.sync(this.closed ? [] : reports.map((r) => this.jobOf(r)));
      for (const { id, schedule, timezone } of added) {
        const next = this.keeper.nextRun(id)?.toISOString() ?? '?';
        this.log.info(`report ${id}: scheduled "${schedule}"${timezone === null ? '' : ` (${timezone})`}, next at ${next}`);
      }
    } catch (error) {
      this.log.error(`reports: cannot schedule: ${(error as Error).message}`);
    }
  }

  close(): void {
    this.closed = true;
    this.set([]);
  }

  private jobOf(report: ReportSpec): CronJob {
    const { name, schedule, timezone } = report;
    return { id: name, schedule, timezone, label: `report ${name}`, logger: this.cronLogger(name), run: () => this.tick(name) };
  }

  // node-cron's own messages (a missed tick under load) go to supd.log, not to the console.
  private cronLogger(name: string): CronLogger {
    const line = (m: unknown): string => `report ${name}: ${m instanceof Error ? m.message : String(m)}`;
    return {
      info: (m) => this.log.debug(line(m)),
      warn: (m) => this.log.warn(line(m)),
      error: (m) => this.log.error(line(m)),
      debug: (m) => this.log.debug(line(m)),
    };
  }
}
