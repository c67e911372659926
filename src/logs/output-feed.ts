// One stream of one child into its log file: passed on as read (the fast path: no per-line
// work), or with an ISO time before each line. ("merge" needs nothing here: the child's stderr
// is its stdout pipe, see spawner.ts.)
import { stampLines, timeStamp } from './lines.js';
import type { ChunkHandler } from './pipe-reader.js';
import type { RotatingFile } from './rotating-file.js';

export function feedInto(sink: RotatingFile, timestamps: boolean, now: () => number = Date.now): ChunkHandler {
  if (!timestamps) return (data, release) => sink.append([data], release);
  // Whether the last byte of the previous read ended a line: a line split across reads is stamped once.
  let atLineStart = true;
  return (data, release) => {
    const stamped = stampLines(data, atLineStart, timeStamp(now()));
    atLineStart = stamped.atLineStart;
    sink.append(stamped.parts, release);
  };
}
