// The node-cron tasks of one owner (scheduled processes, reports), kept in step with the
// config: a job whose schedule and time zone did not change keeps its task across reloads (so
// a reload never runs it off its schedule), a changed one is replaced, a gone one destroyed.
// node-cron loads only when there is a task to create.
import type { ScheduledTask } from 'node-cron';
import { nodeCron } from './cron.js';

/** node-cron's own messages (a missed tick under load) go where its owner says. */
export interface CronLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  debug(message: string | Error): void;
}

export interface CronJob {
  /** Unique among one keeper's jobs (a process or report name). */
  readonly id: string;
  readonly schedule: string;
  readonly timezone: string | null;
  /** node-cron's name for the task. */
  readonly label: string;
  readonly logger: CronLogger;
  readonly run: () => void;
}

interface Entry {
  readonly key: string;
  readonly task: ScheduledTask;
}

export class CronKeeper {
  private readonly tasks = new Map<string, Entry>();

  /** Makes the tasks exactly these jobs; returns the jobs that got a new task. */
  sync(jobs: readonly CronJob[]): CronJob[] {
    const wanted = new Map(jobs.map((job) => [job.id, job]));
    for (const [id, entry] of this.tasks) {
      const job = wanted.get(id);
      if (job === undefined || keyOf(job) !== entry.key) this.remove(id, entry);
    }
    const missing = jobs.filter((job) => !this.tasks.has(job.id));
    for (const job of missing) this.tasks.set(job.id, { key: keyOf(job), task: create(job) });
    return missing;
  }

  nextRun(id: string): Date | null {
    return this.tasks.get(id)?.task.getNextRun() ?? null;
  }

  stopAll(): void {
    for (const [id, entry] of this.tasks) this.remove(id, entry);
  }

  private remove(id: string, entry: Entry): void {
    void entry.task.destroy();
    this.tasks.delete(id);
  }
}

function create(job: CronJob): ScheduledTask {
  const options = { name: job.label, logger: job.logger, ...(job.timezone === null ? {} : { timezone: job.timezone }) };
  return nodeCron().schedule(job.schedule, job.run, options);
}

function keyOf(job: CronJob): string {
  return `${job.schedule}\0${job.timezone ?? ''}`;
}
