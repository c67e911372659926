// Byte-level line work on lists of buffers, without joining them: where a line ends, where to
// cut, and an ISO time at the start of each line (the only per-line work supd does, and only
// when `timestamps` is on). Pure.

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

/** The index of the last newline within the first `length` bytes of the list, or -1. */
export function lastLineEnd(parts: readonly Buffer[], length: number): number {
  let end = length;
  for (let i = parts.length - 1, base = totalLength(parts); i >= 0; i--) {
    const part = parts[i]!;
    base -= part.length;
    if (base >= end) continue;
    const found = part.lastIndexOf(NL, end - base - 1);
    if (found !== -1) return base + found;
    end = base;
  }
  return -1;
}

/**
 * Where in the next `total` bytes (`parts`) a file of `size` bytes rotates: after the line that
 * takes it to `maxSize` (0: never by size), or, once a rotation is `due` (an interval passed,
 * or the line that reached the size has not ended yet), after the first line end. A single
 * line longer than maxSize is cut when the file reaches twice maxSize. `cut` is -1 for no
 * rotation in these bytes; `due` says whether one is still wanted after them.
 */
export function rotationCut(parts: readonly Buffer[], total: number, size: number, maxSize: number, due: boolean): { cut: number; due: boolean } {
  let from: number;
  if (due) from = 0;
  else if (maxSize > 0 && size + total >= maxSize) from = Math.max(0, maxSize - size - 1);
  else return { cut: -1, due: false };
  const end = indexOfLineEnd(parts, from);
  if (end !== -1) return { cut: end + 1, due: false };
  if (maxSize > 0 && size + total >= 2 * maxSize) return { cut: Math.max(1, 2 * maxSize - size), due: false };
  return { cut: -1, due: true };
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

/** How many lines start in `chunk` (each gets a stamp); `atLineStart`: the byte before it ended a line. */
export function countLineStarts(chunk: Buffer, atLineStart: boolean): number {
  let count = atLineStart && chunk.length > 0 ? 1 : 0;
  for (let at = chunk.indexOf(NL); at !== -1 && at < chunk.length - 1; at = chunk.indexOf(NL, at + 1)) count++;
  return count;
}

/**
 * Copies `chunk` into `target` with `stamp` before every line that starts in it, so a line
 * split across reads is stamped once; `target` must hold chunk.length + countLineStarts x
 * stamp.length bytes. Returns the bytes written and whether the chunk ended a line.
 */
export function stampInto(target: Buffer, chunk: Buffer, atLineStart: boolean, stamp: Buffer): { length: number; atLineStart: boolean } {
  let out = 0;
  let start = 0;
  let lineStart = atLineStart;
  while (start < chunk.length) {
    if (lineStart) out += stamp.copy(target, out);
    const nl = chunk.indexOf(NL, start);
    const end = nl === -1 ? chunk.length : nl + 1;
    out += chunk.copy(target, out, start, end);
    start = end;
    lineStart = nl !== -1;
  }
  return { length: out, atLineStart: lineStart };
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
