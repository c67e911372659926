// A live log file and its rotation. Appended buffers are written with one writev per batch (no
// copies, no per-line work); the file rotates at the end of the line that takes it to
// max_size, or at the first line end after an interval boundary, so a rotation never cuts a
// line; SIGUSR2 reopens the path. One file operation at a time, so order is always kept.
//
// Why not rotating-file-stream (docs/logs.md, bench/logs.js): it cuts the line that crosses the
// size, holds writes while it gzips, is 8x slower, cannot reopen, and can destroy the pipe.
import { EventEmitter } from 'node:events';
import type { LogRotationSpec } from '../config/types.js';
import { endsMidLine, rotationCut, totalLength } from './lines.js';
import { LiveFile } from './live-file.js';
import { PendingQueue, splitPending, untilLineEnd, type Pending } from './pending.js';
import { listRotated, type RotatedListing } from './rotated-files.js';
import { Rotation } from './rotation.js';

export interface RotatingFileEvents {
  /** Bytes reached the file (followers read them from there). */
  written: [];
  /** The path now names a new file (rotation, reopen), or ('cleared') the file was emptied. */
  switched: [kind?: 'cleared'];
  idle: [];
}

export class RotatingFile extends EventEmitter<RotatingFileEvents> {
  /** Bumped each time the path names a new file. */
  generation = 0;
  /** Bumped at every write and every new file: a follower that saw no change may sleep. */
  changes = 0;
  private readonly queue = new PendingQueue();
  private live: LiveFile | null = null;
  /** Output was dropped mid-line (a failed write): drop what comes up to the end of that line. */
  private skipping = false;
  private rotateDue = false;
  private reopenWanted = false;
  private pumping = false;
  private closed = false;
  private lastError: string | null = null;
  private gate: Promise<void> | null = null;
  /** `supd logs --clear` callers waiting for the file to be emptied. */
  private clearWaiters: Array<() => void> = [];
  private readonly rotation: Rotation;

  constructor(
    readonly file: string,
    private readonly spec: LogRotationSpec,
    private readonly onError: (message: string) => void,
    now: () => number = Date.now,
  ) {
    super();
    this.setMaxListeners(0);
    this.rotation = new Rotation(file, spec, (m) => this.report(m), now, () => {
      this.rotateDue = true;
      this.kick();
    });
    // Open at once: the file exists (and `supd logs -f` can follow it) before any output.
    this.kick();
  }

  /** Queues bytes that belong together (they are never split by another append). */
  append(parts: readonly Buffer[], release?: () => void): void {
    if (this.closed) return release?.();
    this.queue.push(parts, release);
    this.kick();
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.queue.appended - this.queue.settled;
  }

  /** Resolves once every byte appended so far has been written (or dropped after an error). */
  async flushed(): Promise<void> {
    const mark = this.queue.appended;
    while (this.queue.settled < mark) await new Promise((resolve) => this.once('written', () => resolve(undefined)));
  }

  /** Resolves once nothing is queued or in progress (writes, rotation, reopen). */
  async idle(): Promise<void> {
    while (this.pumping || (this.queue.length > 0 && !this.closed)) await new Promise((resolve) => this.once('idle', () => resolve(undefined)));
  }

  /** Writes nothing until `before` settles: another writer of the same file finishes first (reload). */
  after(before: Promise<unknown>): void {
    const settled = (): void => undefined;
    this.gate = before.then(settled, settled);
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
    await this.idle();
    await this.closeLive();
    await this.rotation.stop();
  }

  private kick(): void {
    if (!this.pumping) void this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.closed) {
        if (this.live === null || this.reopenWanted) {
          if (!(await this.openFile())) {
            const dropped = this.queue.takeAll();
            if (dropped.length > 0) this.skipping = endsMidLine(dropped.map((p) => p.data), this.skipping);
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
        if (this.rotateDue && this.live.size === 0) this.rotateDue = false;
        if (this.rotateDue && !this.live.midLine) {
          await this.rotate();
          continue;
        }
        if (this.queue.length === 0) break;
        if (this.gate !== null) {
          await this.gate;
          this.gate = null;
          continue;
        }
        await this.writeBatch(this.queue.take());
      }
    } finally {
      this.pumping = false;
      this.emit('idle');
    }
  }

  private async writeBatch(whole: Pending[]): Promise<void> {
    const batch = this.skipping ? this.skipRestOfLine(whole) : whole;
    if (batch.length === 0) return;
    const parts = batch.map((p) => p.data);
    const total = totalLength(parts);
    const { cut, due } = rotationCut(parts, total, this.live!.size, this.spec.maxSize, this.rotateDue);
    this.rotateDue = due;
    // The piece that straddles the cut keeps its release until its tail is written too.
    const [head, rest] = cut === -1 ? [batch, []] : splitPending(batch, cut);
    await this.writeParts(head.map((p) => p.data));
    this.drop(head);
    if (cut === -1) return;
    this.queue.putBack(rest);
    await this.rotate();
  }

  // A failed write is dropped (a full disk must not block the program on its pipe for good),
  // whole lines only: LiveFile cuts off the part that made it, the rest of that line is skipped.
  private async writeParts(parts: Buffer[]): Promise<void> {
    const before = this.skipping || this.live!.midLine;
    const error = await this.live!.write(parts);
    if (error === null) {
      this.lastError = null;
      return;
    }
    this.report(`cannot write ${this.file}: ${error.message}`);
    this.skipping = endsMidLine(parts, before);
  }

  // Drops (as settled) the bytes up to and including the first newline: the rest of a line
  // whose start was dropped. Returns what is left of the batch.
  private skipRestOfLine(batch: Pending[]): Pending[] {
    const { head, rest, ended } = untilLineEnd(batch);
    this.skipping = !ended;
    this.drop(head);
    return rest;
  }

  // Marks pending pieces as done: counted as settled, their reader's buffers freed.
  private drop(batch: readonly Pending[]): void {
    this.queue.settle(batch);
    if (batch.length === 0) return;
    this.changes++;
    this.emit('written');
  }

  private async truncate(): Promise<void> {
    const waiters = this.clearWaiters.splice(0);
    try {
      // The rest of a line cut by the clear goes too: the file starts on a whole line.
      if (await this.live!.clear()) this.skipping = true;
      this.changes++;
      this.emit('switched', 'cleared');
    } catch (error) {
      this.report(`cannot clear ${this.file}: ${(error as Error).message}`);
    }
    for (const done of waiters) done();
  }

  private async rotate(): Promise<void> {
    this.rotateDue = false;
    await this.closeLive();
    await this.rotation.moveAside();
    await this.openFile();
  }

  private async openFile(): Promise<boolean> {
    this.reopenWanted = false;
    await this.closeLive();
    try {
      this.live = await LiveFile.open(this.file);
      if (this.spec.maxSize > 0 && this.live.size >= this.spec.maxSize) this.rotateDue = true;
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

  private async closeLive(): Promise<void> {
    const live = this.live;
    this.live = null;
    await live?.close();
  }

  private report(message: string): void {
    if (message !== this.lastError) this.onError(message);
    this.lastError = message;
  }
}
