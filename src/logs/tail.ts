// The last lines of a log for `supd logs -n`: read backwards from the end of the live file,
// and, when it holds fewer, from the end of the newest rotated file (gzip streamed through,
// keeping only a window of the last lines). Returns where the live file ended, so a follow
// goes on from exactly there: nothing twice, nothing missed.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { lastLines } from './lines.js';
import type { RotatedFile } from './rotated-files.js';
import type { RotatingFile } from './rotating-file.js';

const BLOCK = 64 * 1024;

/** Where a reader of a log is: an open live file (null if there was none yet) and an offset in it. */
export interface LogCursor {
  handle: FileHandle | null;
  position: number;
  /** The log's generation when the handle was opened. */
  generation: number;
}

export async function readTail(log: RotatingFile, n: number): Promise<{ text: Buffer; cursor: LogCursor }> {
  const generation = log.generation;
  const handle = await open(log.file, 'r').catch(() => null);
  const size = handle === null ? 0 : (await handle.stat()).size;
  const cursor: LogCursor = { handle, position: size, generation };
  if (n <= 0) return { text: Buffer.alloc(0), cursor };
  const live = handle === null ? { text: Buffer.alloc(0), count: 0 } : await tailOfHandle(handle, size, n);
  if (live.count >= n) return { text: live.text, cursor };
  const previous = (await log.rotated()).files.at(-1);
  const earlier = previous === undefined ? Buffer.alloc(0) : await tailOfRotated(previous, n - live.count).catch(() => Buffer.alloc(0));
  return { text: Buffer.concat([earlier, live.text]), cursor };
}

/** The last n lines of a rotated file, plain or gzip. */
export async function tailOfRotated(file: RotatedFile, n: number): Promise<Buffer> {
  if (file.compressed) return tailOfStream(createReadStream(file.path).pipe(createGunzip()), n);
  const handle = await open(file.path, 'r');
  try {
    return (await tailOfHandle(handle, (await handle.stat()).size, n)).text;
  } finally {
    await handle.close();
  }
}

// Reads blocks backwards from `size` until they hold more than n newlines, or the start.
async function tailOfHandle(handle: FileHandle, size: number, n: number): Promise<{ text: Buffer; count: number }> {
  const blocks: Buffer[] = [];
  let newlines = 0;
  let start = size;
  while (start > 0 && newlines <= n) {
    const length = Math.min(BLOCK, start);
    start -= length;
    const block = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(block, 0, length, start);
    blocks.unshift(block.subarray(0, bytesRead));
    newlines += countNewlines(block.subarray(0, bytesRead));
  }
  return lastLines(Buffer.concat(blocks), n, start === 0);
}

// Streams through, keeping only the chunks that the last n lines can lie in.
export async function tailOfStream(stream: Readable, n: number): Promise<Buffer> {
  const window: Array<{ chunk: Buffer; newlines: number }> = [];
  let newlines = 0;
  let dropped = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const count = countNewlines(chunk);
    window.push({ chunk, newlines: count });
    newlines += count;
    while (window.length > 1 && newlines - window[0]!.newlines > n) {
      newlines -= window.shift()!.newlines;
      dropped = true;
    }
  }
  return lastLines(Buffer.concat(window.map((w) => w.chunk)), n, !dropped).text;
}

function countNewlines(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) count++;
  return count;
}
