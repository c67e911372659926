// Cuts one stream of one child into whole lines for the console, where the lines of every
// program meet: a line that arrives over several reads is held until its newline (a copy: the
// read's buffer is reused), so no line is ever interleaved with another. A line longer than
// MAX_LINE_BYTES is passed on in pieces of that size. Then the lines of a read as one buffer,
// prefixed or as JSON. Pure.
//
// The work is done a block of lines at a time with builtins (indexOf, toString, replaceAll,
// JSON.stringify on a whole block where no line needs escaping), never a loop of JS a byte or
// a Buffer call a line: the daemon runs without V8's optimising compiler (bin/supd.js), where
// such loops ran 4-8x slower (docs/benchmarks.md, "V8 flags for the daemon").
import { STRING_PIECE_BYTES, stampLines } from './lines.js';

export const MAX_LINE_BYTES = 64 * 1024;
const NL = 0x0a;

export interface LineCutter {
  /** The whole lines this read completes, as blocks of one or more lines each ending in a
   * newline; views into `data` or fresh copies. */
  push(data: Buffer): Buffer[];
  /** The unfinished last line at the end of the stream (without a newline), if any. */
  end(): Buffer | null;
}

export function cutLines(maxLine = MAX_LINE_BYTES): LineCutter {
  let pending: Buffer | null = null;
  return {
    push(data) {
      const blocks: Buffer[] = [];
      const last = data.lastIndexOf(NL);
      if (last !== -1) {
        const whole = data.subarray(0, last + 1);
        blocks.push(pending === null ? whole : Buffer.concat([pending, whole]));
        pending = null;
      }
      const rest = data.subarray(last + 1);
      if (rest.length > 0) pending = pending === null ? Buffer.from(rest) : Buffer.concat([pending, rest]);
      while (pending !== null && pending.length >= maxLine) {
        blocks.push(withNewline(pending.subarray(0, maxLine)));
        pending = pending.length === maxLine ? null : pending.subarray(maxLine);
      }
      return blocks;
    },
    end() {
      const last = pending;
      pending = null;
      return last;
    },
  };
}

export function withNewline(line: Buffer): Buffer {
  return Buffer.concat([line, Buffer.from([NL])]);
}

/** `prefix + line + "\n"` for each line of the blocks, in one buffer (one write, never split between lines). */
export function joinPrefixed(prefix: Buffer, blocks: readonly Buffer[]): Buffer {
  const stamp = prefix.toString('latin1');
  const texts: string[] = [];
  let size = 0;
  for (const block of blocks) {
    const stamped = stampLines(block, true, stamp);
    texts.push(...stamped.texts);
    size += stamped.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const text of texts) at += out.write(text, at, 'latin1');
  return out;
}

// A character that JSON.stringify would escape (the newline is the line break here); any
// other text is its own JSON string body, and a whole piece is made in one replaceAll.
const NEEDS_ESCAPE = /["\\\x00-\x09\x0b-\x1f]/;

/** `head + "line" + tail` (tail ends in a newline) for each line of the blocks, in one buffer. */
export function joinJson(head: Buffer, tail: Buffer, blocks: readonly Buffer[]): Buffer {
  const headText = head.toString('utf8');
  const tailText = tail.toString('utf8');
  const between = `"${tailText}${headText}"`;
  const texts: string[] = [];
  let size = 0;
  for (const block of blocks) {
    for (const piece of wholeLinePieces(block)) {
      // A newline never falls inside a UTF-8 sequence, so decoding a piece is decoding each line.
      const lines = piece.toString('utf8', 0, piece.length - 1);
      let text: string;
      if (!NEEDS_ESCAPE.test(lines)) text = `${headText}"${lines.replaceAll('\n', between)}"${tailText}`;
      else {
        text = '';
        for (const line of lines.split('\n')) text += headText + JSON.stringify(line) + tailText;
      }
      texts.push(text);
      size += Buffer.byteLength(text);
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const text of texts) at += out.write(text, at);
  return out;
}

/** A block of whole lines cut at newlines into pieces of about STRING_PIECE_BYTES (a longer line is one piece). */
function wholeLinePieces(block: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  while (from < block.length) {
    const nl = from + STRING_PIECE_BYTES >= block.length ? block.length - 1 : block.indexOf(NL, from + STRING_PIECE_BYTES - 1);
    const end = nl === -1 ? block.length : nl + 1;
    pieces.push(block.subarray(from, end));
    from = end;
  }
  return pieces;
}
