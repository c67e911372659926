// One stream of one child into its log file: passed on as read (the fast path: no per-line
// work), or with an ISO time before each line. ("merge" needs nothing here: the child's stderr
// is its stdout pipe, see process/child-stdio.ts.)
import { countLineStarts, stampInto, timeStamp } from './lines.js';
import type { ChunkHandler } from './pipe-reader.js';
import type { RotatingFile } from './rotating-file.js';

/** Stamped copies are made in reused buffers of at least this size. */
const STAMPED_BYTES = 512 * 1024;

export function feedInto(sink: RotatingFile, timestamps: boolean, now: () => number = Date.now): ChunkHandler {
  if (!timestamps) return (data, release) => sink.append([data], release);
  // Whether the last byte of the previous read ended a line: a line split across reads is stamped once.
  let atLineStart = true;
  const free: Buffer[] = [];
  return (data, release) => {
    const stamp = timeStamp(now());
    const size = data.length + countLineStarts(data, atLineStart) * stamp.length;
    let target = free.pop();
    if (target === undefined || target.length < size) target = Buffer.allocUnsafeSlow(Math.max(size, STAMPED_BYTES));
    const stamped = stampInto(target, data, atLineStart, stamp);
    atLineStart = stamped.atLineStart;
    const buffer = target;
    // The read's own buffer goes back with the copy: it is what paces the reader (bounded memory).
    sink.append([target.subarray(0, stamped.length)], () => {
      free.push(buffer);
      release();
    });
  };
}
