// Scheduled programs (SPEC key `schedule`): one node-cron task per scheduled process; each tick
// runs it unless the previous run is still going (a skipped tick is logged, never queued).
import { CronKeeper, type CronJob } from './cron-keeper.js';
import type { Logger } from '../logs/supd-log.js';
import type { ManagedProcess } from '../process/managed-process.js';

export class Scheduler {
  private readonly keeper = new CronKeeper();
  // A tick runs the process that has the name now: a task kept across a sync (same schedule)
  // must not run a copy that was removed and made anew under the same name (scale 1 -> 0 -> 1).
  private readonly byName = new Map<string, ManagedProcess>();

  constructor(private readonly log: Logger) {}

  /** Makes the tasks match these processes: new ones scheduled, changed ones replaced, gone ones destroyed. */
  sync(procs: readonly ManagedProcess[]): void {
    const scheduled = procs.filter((p) => p.isScheduled);
    this.byName.clear();
    for (const proc of scheduled) this.byName.set(proc.name, proc);
    this.keeper.sync(scheduled.map((p) => this.jobOf(p)));
  }

  nextRun(name: string): Date | null {
    return this.keeper.nextRun(name);
  }

  stopAll(): void {
    this.keeper.stopAll();
  }

  private jobOf(proc: ManagedProcess): CronJob {
    const { name, unit } = proc;
    const logger = { info: () => undefined, warn: (m: string) => this.log.debug(`cron: ${m}`, name), error: () => undefined, debug: () => undefined };
    const run = (): void => {
      const current = this.byName.get(name);
      const outcome = current?.tick();
      if (outcome === 'busy') this.log.warn(`tick skipped: the previous run is still going (${current!.state})`, name);
    };
    return { id: name, schedule: unit.schedule!, timezone: unit.timezone, label: name, logger, run };
  }
}
