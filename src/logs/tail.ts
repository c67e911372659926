// The last lines of a log for `supd logs -n`: read backwards from the end of the live file,
// and, when it holds fewer, back through the rotated files, newest first (gzip streamed
// through, keeping only a window of the last lines). Returns where the live file ended, so a
// follow goes on from exactly there: nothing twice, nothing missed.
import { close, createReadStream, fstat, read, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { zlib } from '../lazy-builtins.js';
import { isFiltering, keepLine, mayHoldRecent, type LineFilter } from './line-filter.js';
import { lastLines } from './lines.js';
import { listRotated, type RotatedFile } from './rotated-files.js';

const BLOCK = 64 * 1024;

/** An open log file to read from: a FileHandle, or a plain fd (fdFile). */
export interface LogFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

/** Where a reader of a log is: an open live file (null if there was none yet) and an offset in it. */
export interface LogCursor {
  handle: LogFile | null;
  position: number;
}

/** A plain fd (opened synchronously, so it names exactly the file of that moment) as a LogFile. */
export function fdFile(fd: number): LogFile {
  return {
    read: (buffer, offset, length, position) =>
      new Promise((resolve, reject) => read(fd, buffer, offset, length, position, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead })))),
    stat: () => new Promise((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats)))),
    close: () => new Promise((resolve) => close(fd, () => resolve())),
  };
}

/** The last n lines of a log (its live file open as `live`, or null), and a cursor at the live file's end. */
export async function readTail(file: string, live: LogFile | null, n: number, filter?: LineFilter): Promise<{ text: Buffer; cursor: LogCursor }> {
  const size = live === null ? 0 : (await live.stat()).size;
  const cursor: LogCursor = { handle: live, position: size };
  if (n <= 0) return { text: Buffer.alloc(0), cursor };
  if (isFiltering(filter)) return { text: await filteredTail(file, live, size, n, filter), cursor };
  const own = live === null ? { text: Buffer.alloc(0), count: 0 } : await tailOfHandle(live, size, n);
  const earlier: Buffer[] = [];
  let count = own.count;
  const rotated = count >= n ? [] : [...(await listRotated(file)).files].reverse();
  for (const previous of rotated) {
    if (count >= n) break;
    const text = await tailOfRotated(previous, n - count).catch(() => Buffer.alloc(0));
    earlier.unshift(text);
    count += countNewlines(text);
  }
  return { text: Buffer.concat([...earlier, own.text]), cursor };
}

// With --grep or --since the last n lines that pass can be anywhere: every file that may hold
// them is read through, oldest first, keeping a window of the last n that pass.
async function filteredTail(file: string, live: LogFile | null, size: number, n: number, filter: LineFilter): Promise<Buffer> {
  const kept: string[] = [];
  let rest = '';
  const take = (chunk: string): void => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (!keepLine(line, filter)) continue;
      kept.push(line);
      if (kept.length > n) kept.shift();
    }
  };
  const flush = (): void => {
    if (rest !== '') take('\n');
  };
  for (const rotated of (await listRotated(file)).files.filter((f) => mayHoldRecent(f, filter))) {
    const stream = rotated.compressed ? createReadStream(rotated.path).pipe(zlib().createGunzip()) : createReadStream(rotated.path);
    const decoder = new StringDecoder('utf8');
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) take(decoder.write(chunk));
    } catch {
      // pruned or half written while read: what was read counts
    }
    take(decoder.end());
    flush();
  }
  const block = Buffer.allocUnsafe(BLOCK);
  const decoder = new StringDecoder('utf8');
  for (let at = 0; live !== null && at < size; ) {
    const { bytesRead } = await live.read(block, 0, Math.min(BLOCK, size - at), at);
    if (bytesRead === 0) break;
    take(decoder.write(block.subarray(0, bytesRead)));
    at += bytesRead;
  }
  take(decoder.end());
  flush();
  return Buffer.from(kept.map((line) => `${line}\n`).join(''));
}

/** The last n lines of a log file by its path (no supervisor): the live file and its rotated ones. */
export async function readTailOfPath(file: string, n: number, filter?: LineFilter): Promise<{ text: Buffer; cursor: LogCursor }> {
  const handle = await open(file, 'r').catch(() => null);
  return readTail(file, handle, n, filter);
}

/** The last n lines of a rotated file, plain or gzip. */
export async function tailOfRotated(file: RotatedFile, n: number): Promise<Buffer> {
  if (file.compressed) return tailOfStream(createReadStream(file.path).pipe(zlib().createGunzip()), n);
  const handle = await open(file.path, 'r');
  try {
    return (await tailOfHandle(handle, (await handle.stat()).size, n)).text;
  } finally {
    await handle.close();
  }
}

// Reads blocks backwards from `size` until they hold more than n newlines, or the start.
async function tailOfHandle(handle: LogFile, size: number, n: number): Promise<{ text: Buffer; count: number }> {
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
