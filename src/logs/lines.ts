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

/** Text made from output is made in pieces of about this many bytes, so that each string stays
 * in V8's young generation (a 256 KiB read as one string went to its large-object space and
 * raised a flood's peak RSS by 20 MB). */
export const STRING_PIECE_BYTES = 32 * 1024;

/**
 * `chunk` with `stamp` before every line that starts in it, as latin1 strings (one char a
 * byte, so any bytes pass through unchanged) of pieces of it, so that a line split across reads
 * (or pieces) is stamped once. A piece is three builtins whatever its line count (a slice, a
 * replaceAll, a write): a loop of Buffer calls a line ran 5x slower where V8 does not optimise
 * (the daemon runs without TurboFan, see bin/supd.js) and 2x slower where it does (1M lines of
 * 101 bytes: 700 and 136 ms against 78).
 */
export function stampLines(chunk: Buffer, atLineStart: boolean, stamp: string): { texts: string[]; length: number; atLineStart: boolean } {
  const texts: string[] = [];
  let length = 0;
  let lineStart = atLineStart;
  for (let from = 0; from < chunk.length; from += STRING_PIECE_BYTES) {
    const to = Math.min(chunk.length, from + STRING_PIECE_BYTES);
    const endsLine = chunk[to - 1] === NL;
    // A newline that ends the piece is not followed by a stamp: the next line starts in the next piece.
    let text = chunk.toString('latin1', from, endsLine ? to - 1 : to).replaceAll('\n', `\n${stamp}`);
    if (endsLine) text += '\n';
    if (lineStart) {
      texts.push(stamp);
      length += stamp.length;
    }
    texts.push(text);
    length += text.length;
    lineStart = endsLine;
  }
  return { texts, length, atLineStart: lineStart };
}

/** `2025-01-31T12:00:00.000Z ` (ASCII, so as a latin1 string it is its bytes). */
export function timeStamp(now: number): string {
  return `${new Date(now).toISOString()} `;
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
