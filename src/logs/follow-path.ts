// `supd logs -f` with no supervisor running: follows a log by its path, polling (nobody
// announces writes). When the path names a new file it reads the old one to its end, then the
// rotated files that came between (plain or gzip, as long as they are there), then the new one.
// A file truncated under it (`supd logs --clear`) is read again from its start.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { zlib } from '../lazy-builtins.js';
import type { FollowSink } from './follow.js';
import { listRotated, type RotatedFile } from './rotated-files.js';
import type { LogCursor } from './tail.js';

const READ_BYTES = 64 * 1024;

export async function followPath(file: string, cursor: LogCursor, sink: FollowSink, signal: AbortSignal, intervalMs = 200): Promise<void> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  let known = new Set((await listRotated(file)).files.map((f) => f.stamp));
  while (!signal.aborted) {
    const bytesRead = cursor.handle === null ? 0 : (await cursor.handle.read(block, 0, READ_BYTES, cursor.position)).bytesRead;
    if (bytesRead > 0) {
      const data = block.subarray(0, bytesRead);
      const end = data.lastIndexOf(0x0a) + 1;
      // Whole lines only; a line still being written is read again next time.
      const cut = end === 0 && bytesRead === READ_BYTES ? bytesRead : end;
      if (cut > 0) {
        cursor.position += cut;
        await sink.send(Buffer.from(data.subarray(0, cut)));
        continue;
      }
    }
    const now = await stat(file).catch(() => null);
    const mine = cursor.handle === null ? null : await cursor.handle.stat().catch(() => null);
    if (now !== null && (mine === null || mine.ino !== now.ino || mine.dev !== now.dev)) {
      const listing = await listRotated(file);
      if (mine !== null) for (const between of filesBetween(listing.files, known)) await sendWhole(between, sink);
      known = new Set(listing.files.map((f) => f.stamp));
      await cursor.handle?.close().catch(() => undefined);
      cursor.handle = await open(file, 'r').catch(() => null);
      cursor.position = 0;
      continue;
    }
    if (mine !== null && mine.size < cursor.position) cursor.position = 0;
    await sleep(intervalMs, signal);
  }
}

// The rotated files that came after the one we held: those new since the last listing but
// the oldest of them (that one is ours, renamed).
function filesBetween(files: readonly RotatedFile[], known: ReadonlySet<string>): RotatedFile[] {
  return files.filter((f) => !known.has(f.stamp)).slice(1);
}

async function sendWhole(file: RotatedFile, sink: FollowSink): Promise<void> {
  const stream = file.compressed ? createReadStream(file.path).pipe(zlib().createGunzip()) : createReadStream(file.path);
  let rest = Buffer.alloc(0);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const data = Buffer.concat([rest, chunk]);
      const end = data.lastIndexOf(0x0a) + 1;
      rest = data.subarray(end);
      if (end > 0) await sink.send(data.subarray(0, end));
    }
    if (rest.length > 0) await sink.send(rest);
  } catch (error) {
    await sink.gap({ bytes: null, reason: `${file.path} went away while read (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
