// `supd logs -f`: reads what is appended to a log from a cursor on, in whole lines, woken by
// the log's own writes (no polling). When the path names a new file (a rotation, a reopen), it
// reads the old one to its end first, then goes on at the start of the new one. The caller
// owns the cursor (and closes its handle). It reads only
// as fast as `send` lets it, so a slow reader holds back its own follow and nothing else.
import { open, stat } from 'node:fs/promises';
import type { RotatingFile } from './rotating-file.js';
import type { LogCursor } from './tail.js';

const READ_BYTES = 64 * 1024;

export async function followLog(log: RotatingFile, cursor: LogCursor, send: (text: Buffer) => Promise<void>, signal: AbortSignal): Promise<void> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  let partial = Buffer.alloc(0);
  while (!signal.aborted) {
    const seen = log.changes;
    // Taken before the read: a new file only after the old one read to its end since.
    const generation = log.generation;
    const bytesRead = cursor.handle === null ? 0 : (await cursor.handle.read(block, 0, READ_BYTES, cursor.position)).bytesRead;
    if (bytesRead > 0) {
      cursor.position += bytesRead;
      const data = Buffer.concat([partial, block.subarray(0, bytesRead)]);
      const end = data.lastIndexOf(0x0a) + 1;
      // A line longer than one read goes out in pieces rather than piling up here.
      const cut = end === 0 && data.length >= READ_BYTES ? data.length : end;
      partial = data.subarray(cut);
      if (cut > 0) await send(data.subarray(0, cut));
      continue;
    }
    if (generation !== cursor.generation && (await switchFile(log, cursor, generation))) {
      if (partial.length > 0) await send(partial);
      partial = Buffer.alloc(0);
      continue;
    }
    await changedSince(log, seen, signal);
  }
}

// The old file is read to its end: move to the file the path names now, if it is another one.
async function switchFile(log: RotatingFile, cursor: LogCursor, generation: number): Promise<boolean> {
  const now = await stat(log.file).catch(() => null);
  if (now === null) return false;
  const mine = cursor.handle === null ? null : await cursor.handle.stat();
  cursor.generation = generation;
  if (mine !== null && mine.ino === now.ino && mine.dev === now.dev) return false;
  const handle = await open(log.file, 'r').catch(() => null);
  if (handle === null) return false;
  await cursor.handle?.close().catch(() => undefined);
  cursor.handle = handle;
  cursor.position = 0;
  return true;
}

/** Resolves at the log's next write or new file after `seen` (a value of `changes`), or on abort. */
function changedSince(log: RotatingFile, seen: number, signal: AbortSignal): Promise<void> {
  if (log.changes !== seen || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      log.off('written', done);
      log.off('switched', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    log.on('written', done);
    log.on('switched', done);
    signal.addEventListener('abort', done);
  });
}
