// The bytes a RotatingFile has queued, as the reader handed them over: pieces that share memory
// with the reader's buffers, each released once it is on its way to disk (or dropped), and
// the count of bytes appended and settled (written or dropped) that flushes wait on.
import { indexOfLineEnd } from './lines.js';

export interface Pending {
  data: Buffer;
  /** Called once the bytes are on their way to disk (or dropped): frees the reader's buffer. */
  release: (() => void) | null;
}

/** IOV_MAX on Linux: one writev takes at most this many buffers. */
const MAX_BATCH_PARTS = 1024;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class PendingQueue {
  /** Bytes appended, and bytes written or dropped, since start: exit reports wait for these to meet. */
  appended = 0;
  settled = 0;
  private items: Pending[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Queues bytes that belong together; `release` goes with the last of them. */
  push(parts: readonly Buffer[], release?: () => void): void {
    parts.forEach((data, i) => {
      this.appended += data.length;
      this.items.push({ data, release: i === parts.length - 1 ? (release ?? null) : null });
    });
    if (parts.length === 0) release?.();
  }

  /** Takes from the front what one writev may take. */
  take(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.items.length && count < MAX_BATCH_PARTS && bytes < MAX_BATCH_BYTES) bytes += this.items[count++]!.data.length;
    return this.items.splice(0, count);
  }

  takeAll(): Pending[] {
    return this.items.splice(0);
  }

  putBack(rest: readonly Pending[]): void {
    this.items.unshift(...rest);
  }

  /** Marks pieces as done: counted as settled, their reader's buffers freed. */
  settle(batch: readonly Pending[]): void {
    for (const p of batch) {
      this.settled += p.data.length;
      p.release?.();
    }
  }
}

/** Splits a batch before byte `at` (no copies); the piece that straddles it keeps its release on its tail. */
export function splitPending(batch: readonly Pending[], at: number): [Pending[], Pending[]] {
  const head: Pending[] = [];
  const rest: Pending[] = [];
  let base = 0;
  for (const p of batch) {
    const end = base + p.data.length;
    if (end <= at) head.push(p);
    else if (base >= at) rest.push(p);
    else {
      head.push({ data: p.data.subarray(0, at - base), release: null });
      rest.push({ data: p.data.subarray(at - base), release: p.release });
    }
    base = end;
  }
  return [head, rest];
}

/** Splits off the bytes up to and including the first line end (all of them if none: `ended` false). */
export function untilLineEnd(batch: readonly Pending[]): { head: Pending[]; rest: Pending[]; ended: boolean } {
  const end = indexOfLineEnd(batch.map((p) => p.data), 0);
  const [head, rest] = splitPending(batch, end === -1 ? Infinity : end + 1);
  return { head, rest, ended: end !== -1 };
}
