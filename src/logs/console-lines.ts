// Cuts one stream of one child into whole lines for the console, where the lines of every
// program meet: a line that arrives over several reads is held until its newline (a copy: the
// read's buffer is reused), so no line is ever interleaved with another. A line longer than
// MAX_LINE_BYTES is passed on in pieces of that size. Pure.

export const MAX_LINE_BYTES = 64 * 1024;
const NL = 0x0a;

export interface LineCutter {
  /** The lines this read completes (without their newline); views into `data` or fresh copies. */
  push(data: Buffer): Buffer[];
  /** The unfinished last line at the end of the stream, if any. */
  end(): Buffer | null;
}

export function cutLines(maxLine = MAX_LINE_BYTES): LineCutter {
  let pending: Buffer | null = null;
  return {
    push(data) {
      const lines: Buffer[] = [];
      let start = 0;
      for (let nl = data.indexOf(NL); nl !== -1; nl = data.indexOf(NL, start)) {
        const piece = data.subarray(start, nl);
        lines.push(pending === null ? piece : Buffer.concat([pending, piece]));
        pending = null;
        start = nl + 1;
      }
      if (start < data.length) pending = pending === null ? Buffer.from(data.subarray(start)) : Buffer.concat([pending, data.subarray(start)]);
      while (pending !== null && pending.length >= maxLine) {
        lines.push(pending.subarray(0, maxLine));
        pending = pending.length === maxLine ? null : pending.subarray(maxLine);
      }
      return lines;
    },
    end() {
      const last = pending;
      pending = null;
      return last;
    },
  };
}

/** `prefix + line + "\n"` for each line, in one buffer (one write, never split between lines). */
export function joinPrefixed(prefix: Buffer, lines: readonly Buffer[]): Buffer {
  let size = 0;
  for (const line of lines) size += prefix.length + line.length + 1;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const line of lines) {
    at += prefix.copy(out, at);
    at += line.copy(out, at);
    out[at++] = NL;
  }
  return out;
}

/** Whether a line is printable ASCII with no `"` or `\`: then it is its own JSON string body. */
function isPlainAscii(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) {
    const byte = line[i]!;
    if (byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c) return false;
  }
  return true;
}

/** `head + "line" + tail` for each line, in one buffer: plain lines copied as bytes, the rest through JSON.stringify. */
export function joinJson(head: Buffer, tail: Buffer, lines: readonly Buffer[]): Buffer {
  const bodies = lines.map((line) => (isPlainAscii(line) ? line : Buffer.from(JSON.stringify(line.toString('utf8')).slice(1, -1))));
  let size = 0;
  for (const body of bodies) size += head.length + body.length + 2 + tail.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const body of bodies) {
    at += head.copy(out, at);
    out[at++] = 0x22;
    at += body.copy(out, at);
    out[at++] = 0x22;
    at += tail.copy(out, at);
  }
  return out;
}
