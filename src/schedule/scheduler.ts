// Scheduled programs (SPEC key `schedule`): one node-cron task per scheduled process; each tick
// runs it unless the previous run is still going (a skipped tick is logged, never queued).
import type { ScheduledTask } from 'node-cron';
import { nodeCron } from './cron.js';
import type { Logger } from '../logs/supd-log.js';
import type { ManagedProcess } from '../process/managed-process.js';

interface Entry {
  readonly task: ScheduledTask;
  readonly key: string;
}

export class Scheduler {
  private readonly tasks = new Map<string, Entry>();

  constructor(private readonly log: Logger) {}

  /** Makes the tasks match these processes: new ones scheduled, changed ones replaced, gone ones destroyed. */
  sync(procs: readonly ManagedProcess[]): void {
    const wanted = new Map(procs.filter((p) => p.isScheduled).map((p) => [p.name, p]));
    for (const [name, entry] of this.tasks) {
      const proc = wanted.get(name);
      if (proc === undefined || keyOf(proc) !== entry.key) {
        void entry.task.destroy();
        this.tasks.delete(name);
      }
    }
    for (const [name, proc] of wanted) if (!this.tasks.has(name)) this.tasks.set(name, { task: this.schedule(proc), key: keyOf(proc) });
  }

  nextRun(name: string): Date | null {
    return this.tasks.get(name)?.task.getNextRun() ?? null;
  }

  stopAll(): void {
    for (const entry of this.tasks.values()) void entry.task.destroy();
    this.tasks.clear();
  }

  private schedule(proc: ManagedProcess): ScheduledTask {
    const { schedule, timezone } = proc.unit;
    const quiet = { info: () => undefined, warn: (m: string) => this.log.debug(`cron: ${m}`, proc.name), error: () => undefined, debug: () => undefined };
    return nodeCron().schedule(
      schedule!,
      () => {
        const outcome = proc.tick();
        if (outcome === 'busy') this.log.warn(`tick skipped: the previous run is still going (${proc.state})`, proc.name);
      },
      { name: proc.name, logger: quiet, ...(timezone === null ? {} : { timezone }) },
    );
  }
}

function keyOf(proc: ManagedProcess): string {
  return `${proc.unit.schedule}\0${proc.unit.timezone ?? ''}`;
}
