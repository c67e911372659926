// `supd logs -f`: reads what is appended to a log from a cursor on, in whole lines, woken by
// the log's own writes (no polling). Rotations can come faster than a reader reads, and `keep`
// can prune a file it has not finished: so a follower opens each new file of the log at the
// moment the log switches to it (synchronously, before any rename can move it), holds every
// one it has not finished across rename and unlink, and reads each to its end, in order. Past
// MAX_HELD files behind (or where a file could not be opened) it skips, and says so with a
// gap of the bytes skipped: never silence. It reads only as fast as `send` lets it, so a slow
// reader holds back its own follow and nothing else.
import { fstatSync, openSync } from 'node:fs';
import type { RotatingFile } from './rotating-file.js';
import { fdFile, type LogCursor, type LogFile } from './tail.js';

const READ_BYTES = 64 * 1024;
/** The most files a follower holds open ahead of the one it reads. */
export const MAX_HELD = 256;
/** The most all followers of this supd hold together (each is an fd of supd's). */
const MAX_HELD_TOTAL = 8192;
let heldTotal = 0;

/** What a follower skipped: bytes (null when not known) and why. */
export interface Gap {
  readonly bytes: number | null;
  readonly reason: string;
}

export interface FollowSink {
  send(text: Buffer): Promise<void>;
  gap(gap: Gap): Promise<void>;
}

type Held = { readonly file: LogFile; readonly fd: number } | { readonly gap: Gap } | { readonly cleared: true };

/** The files a log switches to from now on, each opened as it comes. Start it before opening the current file. */
export class FileChain {
  private readonly held: Held[] = [];
  private readonly onSwitch = (kind?: 'cleared'): void => (kind === 'cleared' ? void this.held.push({ cleared: true }) : this.take());

  constructor(
    private readonly log: RotatingFile,
    private readonly maxHeld = MAX_HELD,
  ) {
    log.on('switched', this.onSwitch);
  }

  /** The log's current file, opened now (null if there is none yet). */
  openCurrent(): LogFile | null {
    try {
      return fdFile(openSync(this.log.file, 'r'));
    } catch {
      return null;
    }
  }

  get length(): number {
    return this.held.length;
  }

  shift(): Held | undefined {
    const next = this.held.shift();
    if (next !== undefined && 'file' in next) heldTotal--;
    return next;
  }

  /** The file being read was emptied (`--clear`), and nothing is queued before that: start again at its top. */
  takeCleared(): boolean {
    if (this.held[0] === undefined || !('cleared' in this.held[0])) return false;
    this.held.shift();
    return true;
  }

  async stop(): Promise<void> {
    this.log.off('switched', this.onSwitch);
    for (const h of this.held.splice(0)) {
      if (!('file' in h)) continue;
      heldTotal--;
      await h.file.close();
    }
  }

  private take(): void {
    try {
      const fd = openSync(this.log.file, 'r');
      this.held.push({ file: fdFile(fd), fd });
      heldTotal++;
    } catch (error) {
      this.held.push({ gap: { bytes: null, reason: `a rotated file could not be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})` } });
    }
    if (this.heldFiles() > this.maxHeld || heldTotal > MAX_HELD_TOTAL) this.dropOldest();
  }

  // Too far behind: let the oldest held file go, counting its bytes as a gap (synchronously:
  // the follower may shift entries meanwhile).
  private dropOldest(): void {
    const index = this.held.findIndex((h) => 'file' in h);
    if (index === -1) return;
    const { file, fd } = this.held[index] as { file: LogFile; fd: number };
    let bytes: number | null = null;
    try {
      bytes = fstatSync(fd).size;
    } catch {
      // unknown
    }
    const why = this.heldFiles() > this.maxHeld ? `the reader fell more than ${this.maxHeld} files behind` : `the followers of this supd hold ${MAX_HELD_TOTAL} files`;
    // Gaps in a row are one gap: a reader stuck for good costs one entry, not one per rotation.
    const before = this.held[index - 1];
    if (before !== undefined && 'gap' in before) {
      this.held[index - 1] = { gap: { bytes: before.gap.bytes === null || bytes === null ? null : before.gap.bytes + bytes, reason: before.gap.reason } };
      this.held.splice(index, 1);
    } else this.held[index] = { gap: { bytes, reason: why } };
    heldTotal--;
    void file.close();
  }

  private heldFiles(): number {
    return this.held.reduce((n, h) => n + ('file' in h ? 1 : 0), 0);
  }
}

export async function followLog(log: RotatingFile, chain: FileChain, cursor: LogCursor, sink: FollowSink, signal: AbortSignal): Promise<void> {
  const block = Buffer.allocUnsafe(READ_BYTES);
  let partial = Buffer.alloc(0);
  while (!signal.aborted) {
    const seen = log.changes;
    if (chain.takeCleared()) {
      cursor.position = 0;
      partial = Buffer.alloc(0);
      continue;
    }
    // Taken before the read: a next file queued by then means this one was complete when read.
    const queued = chain.length;
    const bytesRead = cursor.handle === null ? 0 : (await cursor.handle.read(block, 0, READ_BYTES, cursor.position)).bytesRead;
    if (bytesRead > 0) {
      cursor.position += bytesRead;
      const data = Buffer.concat([partial, block.subarray(0, bytesRead)]);
      const end = data.lastIndexOf(0x0a) + 1;
      // A line longer than one read goes out in pieces rather than piling up here.
      const cut = end === 0 && data.length >= READ_BYTES ? data.length : end;
      partial = data.subarray(cut);
      if (cut > 0) await sink.send(data.subarray(0, cut));
      continue;
    }
    if (queued > 0) {
      if (partial.length > 0) await sink.send(partial);
      partial = Buffer.alloc(0);
      await moveOn(chain.shift()!, cursor, sink);
      continue;
    }
    await changedSince(log, seen, signal);
  }
}

// The current file is read to its end: go on with the next one (the same file again after a
// reopen that moved nothing: keep the place), or report what was skipped.
async function moveOn(next: Held, cursor: LogCursor, sink: FollowSink): Promise<void> {
  if ('gap' in next) return sink.gap(next.gap);
  if ('cleared' in next) return;
  const mine = cursor.handle === null ? null : await cursor.handle.stat().catch(() => null);
  const theirs = await next.file.stat().catch(() => null);
  if (mine !== null && theirs !== null && mine.ino === theirs.ino && mine.dev === theirs.dev) {
    await next.file.close();
    return;
  }
  await cursor.handle?.close().catch(() => undefined);
  cursor.handle = next.file;
  cursor.position = 0;
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
