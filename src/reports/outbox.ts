// Mails on their way: each is tried at once, and after a failure again with backoff (1 s,
// 2 s, 4 s ... 5 min, 10 tries), every failure logged. Nothing here throws or waits on the
// caller: a dead mail server never blocks or crashes the supervisor. A bounded queue: when
// too many mails wait, the oldest waiting one is dropped (and logged).
import type { TransportSpec } from '../config/types.js';
import type { Logger } from '../logs/supd-log.js';
import { backoffDelay } from '../process/backoff.js';
import type { MailMessage } from './message.js';
import { scheduleTimeout, type Schedule } from './timer.js';
import type { Deliver } from './transport.js';

export interface RetryPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Tries in all, the first included. */
  readonly attempts: number;
}

export const MAIL_RETRY: RetryPolicy = { initialMs: 1000, maxMs: 5 * 60_000, attempts: 10 };
const MAX_WAITING = 20;

interface Entry {
  readonly label: string;
  readonly transport: TransportSpec;
  readonly message: MailMessage;
  failures: number;
  /** Cancels the wait for the next try; null while a try is under way. */
  cancel: (() => void) | null;
}

export class Outbox {
  private readonly waiting = new Set<Entry>();
  private closed = false;

  constructor(
    private readonly deliver: Deliver,
    private readonly log: Logger,
    private readonly policy: RetryPolicy = MAIL_RETRY,
    private readonly schedule: Schedule = scheduleTimeout,
    /** Told of every try's outcome (metrics: supd_reports_sent_total). */
    private readonly onTry: (label: string, ok: boolean) => void = () => undefined,
  ) {}

  /** Sends in the background; `label` names the mail in supd.log (`report daily`, `alert`). */
  post(label: string, transport: TransportSpec, message: MailMessage): void {
    if (this.closed) return;
    const entry: Entry = { label, transport, message, failures: 0, cancel: null };
    this.waiting.add(entry);
    this.dropOldestBeyond(MAX_WAITING);
    void this.attempt(entry);
  }

  /** Mails not yet delivered (being sent or waiting for a retry). */
  get size(): number {
    return this.waiting.size;
  }

  /** Stops every retry (supd is exiting); mails in flight finish or fail on their own. */
  close(): void {
    this.closed = true;
    for (const entry of this.waiting) entry.cancel?.();
    this.waiting.clear();
  }

  private async attempt(entry: Entry): Promise<void> {
    entry.cancel = null;
    try {
      const delivery = await this.deliver(entry.transport, entry.message);
      this.waiting.delete(entry);
      this.onTry(entry.label, delivery.rejected.length === 0);
      const rejected = delivery.rejected.length === 0 ? '' : `; rejected: ${delivery.rejected.join(', ')}`;
      this.log[rejected === '' ? 'info' : 'warn'](`${entry.label}: sent "${entry.message.subject}" (${delivery.response})${rejected}`);
    } catch (error) {
      this.onTry(entry.label, false);
      this.retryLater(entry, error);
    }
  }

  private retryLater(entry: Entry, error: unknown): void {
    if (!this.waiting.has(entry)) return; // dropped or closed meanwhile
    entry.failures++;
    const reason = describeError(error);
    if (entry.failures >= this.policy.attempts) {
      this.waiting.delete(entry);
      this.log.error(`${entry.label}: cannot send "${entry.message.subject}": ${reason}; gave up after ${entry.failures} tries`);
      return;
    }
    const delayMs = backoffDelay(entry.failures, { initialMs: this.policy.initialMs, maxMs: this.policy.maxMs, factor: 2, jitter: 0 }, 0);
    this.log.warn(`${entry.label}: cannot send "${entry.message.subject}": ${reason}; try ${entry.failures + 1} of ${this.policy.attempts} in ${delayMs} ms`);
    entry.cancel = this.schedule(() => void this.attempt(entry), delayMs);
  }

  private dropOldestBeyond(limit: number): void {
    for (const entry of this.waiting) {
      if (this.waiting.size <= limit) return;
      if (entry.cancel === null) continue; // being sent now
      entry.cancel();
      this.waiting.delete(entry);
      this.log.error(`${entry.label}: dropped "${entry.message.subject}" unsent: more than ${limit} mails wait for the server`);
    }
  }
}

/** One line for supd.log and `supd report --send`: the server's answer when there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; response?: string };
  const detail = e.response !== undefined && !e.message.includes(e.response) ? ` (${e.response})` : '';
  return `${e.message}${detail}${e.code !== undefined && !e.message.includes(e.code) ? ` [${e.code}]` : ''}`;
}
