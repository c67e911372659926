// The last non-empty line a process wrote (to stderr), kept cheaply as its output streams by:
// only the end of each read is looked at, and at most MAX_CHARS are kept. A failed start's
// reason quotes it (`exit 1: PermissionError: [Errno 13] Permission denied`).

/** The longest line kept; a longer one is cut with "...". */
export const MAX_CHARS = 200;
/** Bytes of a line looked at: enough for MAX_CHARS characters of UTF-8. */
const MAX_BYTES = MAX_CHARS * 4;
const NEWLINE = 0x0a;

export class LastLine {
  /** The start of the line still being written (no newline yet), at most MAX_BYTES. */
  private partial: Buffer = Buffer.alloc(0);
  private last: string | null = null;

  feed(data: Buffer): void {
    const lastNewline = data.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      if (this.partial.length < MAX_BYTES) this.partial = Buffer.concat([this.partial, data.subarray(0, MAX_BYTES - this.partial.length)]);
      return;
    }
    // Back from the last newline to the last line that holds more than blanks.
    let end = lastNewline;
    for (;;) {
      const start = end === 0 ? -1 : data.lastIndexOf(NEWLINE, end - 1);
      const bytes = start === -1 ? Buffer.concat([this.partial, data.subarray(0, Math.min(end, MAX_BYTES))]) : data.subarray(start + 1, Math.min(end, start + 1 + MAX_BYTES));
      const line = clean(bytes);
      if (line !== '') {
        this.last = line;
        break;
      }
      if (start === -1) break;
      end = start;
    }
    this.partial = Buffer.from(data.subarray(lastNewline + 1, lastNewline + 1 + MAX_BYTES));
  }

  /** The last non-empty line, an unfinished one included; null if none. */
  get line(): string | null {
    const unfinished = clean(this.partial);
    return unfinished !== '' ? unfinished : this.last;
  }
}

// One line for a reason: no colours or control characters, at most MAX_CHARS.
function clean(bytes: Buffer): string {
  // eslint-disable-next-line no-control-regex
  const text = bytes.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x1f\x7f]/g, ' ').trim();
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 3)}...` : text;
}
