// A live log file and its rotation. Appended buffers are written with one writev per batch (no
// copies, no per-line work); the file rotates at the end of the line that takes it to
// max_size, or at the first line end after an interval boundary, so a rotation never cuts a
// line; SIGUSR2 reopens the path. One file operation at a time, so order is always kept.
//
// Why not rotating-file-stream (measured by bench/logs.js; docs/logs.md): it rotates after
// whichever read crosses the size, cutting that read's last line; it holds every write while
// it gzips; it is about 8x slower here with +32 MB of RSS under a flood; `compress = true` shells
// out with unquoted paths; intervals must divide a minute, hour or day; it cannot reopen; and
// a failed rotation destroys the stream, and with it the child's pipe.
import { EventEmitter } from 'node:events';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { LogRotationSpec } from '../config/types.js';
import { createHousekeeper, type Housekeeper } from './housekeeper.js';
import { startIntervalTimer, type IntervalTimer } from './interval-timer.js';
import { cutParts, endsMidLine, indexOfLineEnd, lastLineEnd, rotationCut, totalLength } from './lines.js';
import { listRotated, parseStamp, rotatedName, type RotatedListing } from './rotated-files.js';

interface Pending {
  data: Buffer;
  /** Called once the bytes are on their way to disk (or dropped): frees the reader's buffer. */
  release: (() => void) | null;
}

/** IOV_MAX on Linux: one writev takes at most this many buffers. */
const MAX_BATCH_PARTS = 1024;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const NEWLINE = Buffer.from('\n');

export interface RotatingFileEvents {
  /** Bytes reached the file (followers read them from there). */
  written: [];
  /** The path now names a new file (rotation, reopen), or ('cleared') the file was emptied. */
  switched: [kind?: 'cleared'];
  idle: [];
}

export class RotatingFile extends EventEmitter<RotatingFileEvents> {
  /** Bytes appended, and bytes written or dropped, since start: exit reports wait for these to meet. */
  appendedBytes = 0;
  settledBytes = 0;
  /** Bumped each time the path names a new file. */
  generation = 0;
  /** Bumped at every write and every new file: a follower that saw no change may sleep. */
  changes = 0;
  private queue: Pending[] = [];
  private handle: FileHandle | null = null;
  private size = 0;
  private midLine = false;
  /** Where the file's last whole line ends (-1: not known); a failed write is cut back to it. */
  private lineStart = 0;
  /** Output was dropped mid-line (a failed write): drop what comes up to the end of that line. */
  private skipping = false;
  /** A cut line could not be removed: start the next write on a new line. */
  private breakLine = false;
  private rotateDue = false;
  private reopenWanted = false;
  private pumping = false;
  private closed = false;
  private lastStamp = -1;
  private readonly interval: IntervalTimer;
  private lastError: string | null = null;
  private gate: Promise<void> | null = null;
  /** `supd logs --clear` callers waiting for the file to be emptied. */
  private clearWaiters: Array<() => void> = [];
  private readonly housekeeper: Housekeeper;

  constructor(
    readonly file: string,
    private readonly spec: LogRotationSpec,
    private readonly onError: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
    this.housekeeper = createHousekeeper(file, spec.keep, spec.compress, (m) => this.report(m));
    this.housekeeper.recover();
    this.interval = startIntervalTimer(spec.intervalMs, now, () => {
      this.rotateDue = true;
      this.kick();
    });
    // Open at once: the file exists (and `supd logs -f` can follow it) before any output.
    this.kick();
  }

  /** Queues bytes that belong together (they are never split by another append). */
  append(parts: readonly Buffer[], release?: () => void): void {
    if (this.closed) {
      release?.();
      return;
    }
    parts.forEach((data, i) => {
      this.appendedBytes += data.length;
      this.queue.push({ data, release: i === parts.length - 1 ? (release ?? null) : null });
    });
    if (parts.length === 0) release?.();
    this.kick();
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.appendedBytes - this.settledBytes;
  }

  /** Resolves once every byte appended so far has been written (or dropped after an error). */
  async flushed(): Promise<void> {
    const mark = this.appendedBytes;
    while (this.settledBytes < mark) await new Promise((resolve) => this.once('written', () => resolve(undefined)));
  }

  /** Resolves once nothing is queued or in progress (writes, rotation, reopen). */
  async idle(): Promise<void> {
    while (this.pumping || (this.queue.length > 0 && !this.closed)) await new Promise((resolve) => this.once('idle', () => resolve(undefined)));
  }

  /** Writes nothing until `before` settles: another writer of the same file finishes first (reload). */
  after(before: Promise<unknown>): void {
    this.gate = before.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Close the current file and open the path again (an outside logrotate moved it). */
  reopen(): void {
    this.reopenWanted = true;
    this.kick();
  }

  /** Empties the live file between two writes (`supd logs --clear`); rotated files stay. */
  clear(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.clearWaiters.push(resolve);
      this.kick();
    });
  }

  rotated(): Promise<RotatedListing> {
    return listRotated(this.file);
  }

  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    this.interval.stop();
    await this.idle();
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await this.housekeeper.idle();
  }

  private kick(): void {
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.closed) {
        if (this.handle === null || this.reopenWanted) {
          if (!(await this.openFile())) {
            const dropped = this.queue.splice(0);
            if (dropped.length > 0) this.skipping = endsMidLine(dropped.map((p) => p.data), this.skipping || this.midLine);
            this.drop(dropped);
            for (const done of this.clearWaiters.splice(0)) done();
            break;
          }
          continue;
        }
        if (this.clearWaiters.length > 0) {
          await this.truncate();
          continue;
        }
        if (this.rotateDue && this.size === 0) this.rotateDue = false;
        if (this.rotateDue && !this.midLine) {
          await this.rotate();
          continue;
        }
        if (this.queue.length === 0) break;
        if (this.gate !== null) {
          await this.gate;
          this.gate = null;
          continue;
        }
        await this.writeBatch(this.takeBatch());
      }
    } finally {
      this.pumping = false;
      this.emit('idle');
    }
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < MAX_BATCH_PARTS && bytes < MAX_BATCH_BYTES) bytes += this.queue[count++]!.data.length;
    return this.queue.splice(0, count);
  }

  private async writeBatch(whole: Pending[]): Promise<void> {
    const batch = this.skipping ? this.skipRestOfLine(whole) : whole;
    if (batch.length === 0) return;
    const parts = batch.map((p) => p.data);
    const total = totalLength(parts);
    const { cut, due } = rotationCut(parts, total, this.size, this.spec.maxSize, this.rotateDue);
    this.rotateDue = due;
    if (cut === -1 || cut === total) {
      await this.writeParts(parts);
      this.drop(batch);
      if (cut === total) await this.rotate();
      return;
    }
    // The piece that straddles the cut keeps its release until its tail is written too.
    const head: Pending[] = [];
    const rest: Pending[] = [];
    let base = 0;
    for (const p of batch) {
      const end = base + p.data.length;
      if (end <= cut) head.push(p);
      else if (base >= cut) rest.push(p);
      else {
        head.push({ data: p.data.subarray(0, cut - base), release: null });
        rest.push({ data: p.data.subarray(cut - base), release: p.release });
      }
      base = end;
    }
    await this.writeParts(head.map((p) => p.data));
    this.drop(head);
    this.queue.unshift(...rest);
    await this.rotate();
  }

  private async writeParts(parts: Buffer[]): Promise<void> {
    let rest = this.breakLine ? [NEWLINE, ...parts] : parts;
    let left = totalLength(rest);
    while (left > 0) {
      try {
        const { bytesWritten } = await this.handle!.writev(rest);
        const end = lastLineEnd(rest, bytesWritten);
        if (end !== -1) this.lineStart = this.size + end + 1;
        this.size += bytesWritten;
        left -= bytesWritten;
        this.breakLine = false;
        if (left > 0) rest = cutParts(rest, bytesWritten)[1];
      } catch (error) {
        // Dropped, not retried: a full disk must not block the program on its pipe for good.
        // Whole lines only: the part of a line that made it is cut off, the rest of it skipped.
        this.report(`cannot write ${this.file}: ${(error as Error).message}`);
        this.skipping = endsMidLine(parts, this.skipping || this.midLine);
        await this.cutBackToLineEnd();
        return;
      }
    }
    this.midLine = endsMidLine(parts, this.midLine);
    this.lastError = null;
  }

  private async cutBackToLineEnd(): Promise<void> {
    if (this.size === this.lineStart) {
      this.midLine = false;
      return;
    }
    try {
      if (this.lineStart < 0) throw new Error('no line end known');
      await this.handle!.truncate(this.lineStart);
      this.size = this.lineStart;
      this.midLine = false;
    } catch {
      this.breakLine = true;
    }
  }

  // Drops (as settled) the bytes up to and including the first newline: the rest of a line
  // whose start was dropped. Returns what is left of the batch.
  private skipRestOfLine(batch: Pending[]): Pending[] {
    const parts = batch.map((p) => p.data);
    const end = indexOfLineEnd(parts, 0);
    const skip = end === -1 ? totalLength(parts) : end + 1;
    this.skipping = end === -1;
    const kept: Pending[] = [];
    let base = 0;
    for (const p of batch) {
      const length = p.data.length;
      if (base + length <= skip) this.drop([p]);
      else if (base >= skip) kept.push(p);
      else {
        this.settledBytes += skip - base;
        kept.push({ data: p.data.subarray(skip - base), release: p.release });
      }
      base += length;
    }
    return kept;
  }

  // Marks pending pieces as done: counted as settled, their reader's buffers freed.
  private drop(batch: readonly Pending[]): void {
    for (const p of batch) {
      this.settledBytes += p.data.length;
      p.release?.();
    }
    if (batch.length === 0) return;
    this.changes++;
    this.emit('written');
  }

  private async truncate(): Promise<void> {
    const waiters = this.clearWaiters.splice(0);
    try {
      await this.handle!.truncate(0);
      this.size = 0;
      this.lineStart = 0;
      // The rest of a line cut by the clear goes too: the file starts on a whole line.
      if (this.midLine) this.skipping = true;
      this.midLine = false;
      this.changes++;
      this.emit('switched', 'cleared');
    } catch (error) {
      this.report(`cannot clear ${this.file}: ${(error as Error).message}`);
    }
    for (const done of waiters) done();
  }

  private async rotate(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.rotateDue = false;
    await handle?.close().catch(() => undefined);
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    const target = rotatedName(this.file, this.lastStamp);
    try {
      await rename(this.file, target);
      this.housekeeper.afterRotation(target);
    } catch (error) {
      this.report(`cannot rotate ${this.file}: ${(error as Error).message}`);
    }
    await this.openFile();
  }

  private async openFile(): Promise<boolean> {
    const old = this.handle;
    this.handle = null;
    this.reopenWanted = false;
    await old?.close().catch(() => undefined);
    try {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o755 });
      const handle = await open(this.file, 'a+', 0o640);
      const { size } = await handle.stat();
      this.midLine = size > 0 && (await lastByte(handle, size)) !== 0x0a;
      this.lineStart = this.midLine ? -1 : size;
      if (this.lastStamp < 0) this.lastStamp = newestStamp(await listRotated(this.file));
      this.handle = handle;
      this.size = size;
      if (this.spec.maxSize > 0 && size >= this.spec.maxSize) this.rotateDue = true;
      this.lastError = null;
      this.generation++;
      this.changes++;
      this.emit('switched');
      return true;
    } catch (error) {
      this.report(`cannot open ${this.file}: ${(error as Error).message}`);
      return false;
    }
  }

  private report(message: string): void {
    if (message !== this.lastError) this.onError(message);
    this.lastError = message;
  }
}

async function lastByte(handle: FileHandle, size: number): Promise<number> {
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, size - 1);
  return one[0]!;
}

function newestStamp(listing: RotatedListing): number {
  const stamps = [...listing.pathsByStamp.keys()];
  return stamps.length === 0 ? 0 : parseStamp(stamps[stamps.length - 1]!);
}
