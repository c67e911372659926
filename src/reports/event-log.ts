// What happened since each report: a bounded log of ReportEvents with positions. A report
// keeps the position it last reported at; the log keeps the newest `capacity` events, so a
// process that crashes all day costs a fixed amount of memory (the report counts the rest).
import type { ReportEvent } from './report-event.js';

export interface EventsSince {
  readonly events: readonly ReportEvent[];
  /** Events after the position that the log no longer holds. */
  readonly omitted: number;
}

export class EventLog {
  private kept: ReportEvent[] = [];
  /** How many events were ever added; the position after the newest. */
  private added = 0;

  constructor(private readonly capacity = 1000) {}

  add(event: ReportEvent): void {
    this.kept.push(event);
    this.added++;
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
  }

  /** The position now: a report remembers it to ask later for what came after. */
  get position(): number {
    return this.added;
  }

  since(position: number): EventsSince {
    const total = Math.max(0, this.added - position);
    const events = total === 0 ? [] : this.kept.slice(-Math.min(total, this.kept.length));
    return { events, omitted: total - events.length };
  }
}
