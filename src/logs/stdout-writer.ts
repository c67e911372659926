// Writes to supd's stdout (fd 1) in the order queued, one writev at a time off the event loop
// (a slow reader of the container's log stalls a thread-pool write, never supd). Each buffer's
// `release` runs once it is written: that is what holds a child's pipe back while stdout is
// slow, so nothing is dropped and memory stays bounded. A reader that went away (EPIPE) drops
// the rest, said once.
import { fstatSync, writev } from 'node:fs';

/** At most this many bytes go into one writev. */
const BATCH_BYTES = 1024 * 1024;

interface Queued {
  data: Buffer;
  release: (() => void) | null;
}

export class StdoutWriter {
  private readonly queue: Queued[] = [];
  private writing = false;
  private queuedBytes = 0;
  private writtenBytes = 0;
  private waiters: Array<{ mark: number; resolve: () => void }> = [];
  private broken = false;

  constructor(
    private readonly fd: number,
    private readonly onError: (message: string) => void,
  ) {}

  write(data: Buffer, release: (() => void) | null = null): void {
    if (this.broken || data.length === 0) {
      release?.();
      return;
    }
    this.queue.push({ data, release });
    this.queuedBytes += data.length;
    this.pump();
  }

  /** Resolves once everything queued so far is written (or dropped). */
  flushed(): Promise<void> {
    const mark = this.queuedBytes;
    if (this.writtenBytes >= mark) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ mark, resolve }));
  }

  private pump(): void {
    if (this.writing || this.queue.length === 0) return;
    this.writing = true;
    const batch: Queued[] = [];
    let size = 0;
    while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.data.length <= BATCH_BYTES)) {
      const item = this.queue.shift()!;
      batch.push(item);
      size += item.data.length;
    }
    this.writeBatch(batch.map((q) => q.data), () => {
      for (const item of batch) item.release?.();
      this.settle(size);
      this.writing = false;
      this.pump();
    });
  }

  private writeBatch(parts: Buffer[], done: () => void): void {
    writev(this.fd, parts, (error, written) => {
      if (error !== null) {
        const code = (error as NodeJS.ErrnoException).code;
        // stdout opened non-blocking by someone else: try again shortly.
        if (code === 'EAGAIN') return void setTimeout(() => this.writeBatch(parts, done), 5);
        this.fail(`cannot write console output to stdout: ${code ?? error.message}; console lines are dropped from now on`);
        return done();
      }
      const rest = dropBytes(parts, written);
      if (rest.length === 0) return done();
      this.writeBatch(rest, done);
    });
  }

  private fail(message: string): void {
    if (this.broken) return;
    this.broken = true;
    this.onError(message);
    for (const item of this.queue.splice(0)) {
      item.release?.();
      this.settle(item.data.length);
    }
  }

  private settle(bytes: number): void {
    this.writtenBytes += bytes;
    const ready = this.waiters.filter((w) => w.mark <= this.writtenBytes);
    this.waiters = this.waiters.filter((w) => w.mark > this.writtenBytes);
    for (const w of ready) w.resolve();
  }
}

function dropBytes(parts: readonly Buffer[], count: number): Buffer[] {
  const rest: Buffer[] = [];
  let skip = count;
  for (const part of parts) {
    if (skip >= part.length) skip -= part.length;
    else {
      rest.push(skip === 0 ? part : part.subarray(skip));
      skip = 0;
    }
  }
  return rest;
}

/** Whether fds a and b are one file (`2>&1`, a terminal): then supd's own lines queue with the console's. */
export function isSameFile(a: number, b: number): boolean {
  try {
    const [x, y] = [fstatSync(a), fstatSync(b)];
    return x.dev === y.dev && x.ino === y.ino && x.rdev === y.rdev;
  } catch {
    return false;
  }
}
