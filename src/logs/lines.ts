// Byte-level line work on lists of buffers, without joining them: where a line ends, where to
// cut, and an ISO time at the start of each line. Pure; the only per-line work supd ever does.

const NL = 0x0a;

/** The total length of a list of buffers. */
export function totalLength(parts: readonly Buffer[]): number {
  let total = 0;
  for (const part of parts) total += part.length;
  return total;
}

/** The index (over the list as one byte string) of the first newline at or after `from`, or -1. */
export function indexOfLineEnd(parts: readonly Buffer[], from: number): number {
  let base = 0;
  for (const part of parts) {
    if (from < base + part.length) {
      const found = part.indexOf(NL, Math.max(0, from - base));
      if (found !== -1) return base + found;
    }
    base += part.length;
  }
  return -1;
}

/** Splits the list before byte `at`, sharing memory with the input (no copies). */
export function cutParts(parts: readonly Buffer[], at: number): [Buffer[], Buffer[]] {
  const head: Buffer[] = [];
  const tail: Buffer[] = [];
  let base = 0;
  for (const part of parts) {
    if (base + part.length <= at) head.push(part);
    else if (base >= at) tail.push(part);
    else {
      head.push(part.subarray(0, at - base));
      tail.push(part.subarray(at - base));
    }
    base += part.length;
  }
  return [head, tail];
}

/** Whether the byte string ends in the middle of a line. */
export function endsMidLine(parts: readonly Buffer[], before: boolean): boolean {
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    if (part.length > 0) return part[part.length - 1] !== NL;
  }
  return before;
}

/**
 * Puts `stamp` before every line that starts in `chunk`. `atLineStart` says whether the byte
 * before the chunk ended a line, so a line split across reads is stamped once. The returned
 * parts share memory with the chunk; the stamp buffer is shared between lines.
 */
export function stampLines(chunk: Buffer, atLineStart: boolean, stamp: Buffer): { parts: Buffer[]; atLineStart: boolean } {
  const parts: Buffer[] = [];
  let start = 0;
  let lineStart = atLineStart;
  while (start < chunk.length) {
    if (lineStart) parts.push(stamp);
    const end = chunk.indexOf(NL, start);
    if (end === -1) {
      parts.push(chunk.subarray(start));
      return { parts, atLineStart: false };
    }
    parts.push(chunk.subarray(start, end + 1));
    start = end + 1;
    lineStart = true;
  }
  return { parts, atLineStart: lineStart };
}

/** `2025-01-31T12:00:00.000Z ` as bytes. */
export function timeStamp(now: number): Buffer {
  return Buffer.from(`${new Date(now).toISOString()} `);
}

/**
 * The last `n` lines of `data` (a line ends in a newline, or is an unterminated last piece)
 * and how many there were. `complete` says whether `data` starts at a line start; if not,
 * its first piece is part of an earlier line and does not count.
 */
export function lastLines(data: Buffer, n: number, complete: boolean): { text: Buffer; count: number } {
  let pos = data.length > 0 && data[data.length - 1] === NL ? data.length - 1 : data.length;
  let start = data.length;
  let count = 0;
  while (count < n) {
    const prev = pos > 0 ? data.lastIndexOf(NL, pos - 1) : -1;
    if (prev === -1) {
      if (complete && data.length > 0) return { text: data, count: count + 1 };
      break;
    }
    count++;
    start = prev + 1;
    pos = prev;
  }
  return { text: data.subarray(start), count };
}
