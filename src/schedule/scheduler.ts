// Scheduled programs (SPEC key `schedule`): one node-cron task per scheduled process; each tick
// runs it unless the previous run is still going (a skipped tick is logged, never queued).
import { CronKeeper, type CronJob } from './cron-keeper.js';
import type { Logger } from '../logs/supd-log.js';
import type { ManagedProcess } from '../process/managed-process.js';

export class Scheduler {
  private readonly keeper = new CronKeeper();

  constructor(private readonly log: Logger) {}

  /** Makes the tasks match these processes: new ones scheduled, changed ones replaced, gone ones destroyed. */
  sync(procs: readonly ManagedProcess[]): void {
    this.keeper.sync(procs.filter((p) => p.isScheduled).map((p) => this.jobOf(p)));
  }

  nextRun(name: string): Date | null {
    return this.keeper.nextRun(name);
  }

  stopAll(): void {
    this.keeper.stopAll();
  }

  private jobOf(proc: ManagedProcess): CronJob {
    const { schedule, timezone } = proc.unit;
    const logger = { info: () => undefined, warn: (m: string) => this.log.debug(`cron: ${m}`, proc.name), error: () => undefined, debug: () => undefined };
    const run = (): void => {
      const outcome = proc.tick();
      if (outcome === 'busy') this.log.warn(`tick skipped: the previous run is still going (${proc.state})`, proc.name);
    };
    return { id: proc.name, schedule: schedule!, timezone, label: proc.name, logger, run };
  }
}
