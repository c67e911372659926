// One stream of one child into its log file: passed on as read (the fast path: no per-line
// work), or with an ISO time before each line. ("merge" needs nothing here: the child's stderr
// is its stdout pipe, see process/child-stdio.ts.)
import { stampLines, timeStamp } from './lines.js';
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
    const stamped = stampLines(data, atLineStart, timeStamp(now()));
    atLineStart = stamped.atLineStart;
    let target = free.pop();
    if (target === undefined || target.length < stamped.length) target = Buffer.allocUnsafeSlow(Math.max(stamped.length, STAMPED_BYTES));
    let length = 0;
    for (const text of stamped.texts) length += target.write(text, length, 'latin1');
    const buffer = target;
    // The read's own buffer goes back with the copy: it is what paces the reader (bounded memory).
    sink.append([target.subarray(0, length)], () => {
      free.push(buffer);
      release();
    });
  };
}
