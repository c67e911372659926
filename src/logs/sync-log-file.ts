// supd.log's file. Written synchronously, one whole line per write: a supd killed by SIGKILL has
// lost no line of its own log, lines land in the order they happened, and a size rotation
// after a write can never cut a line. Rotated, compressed and pruned like the processes' logs.
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogRotationSpec } from '../config/types.js';
import { createHousekeeper, type Housekeeper } from './housekeeper.js';
import { startIntervalTimer, type IntervalTimer } from './interval-timer.js';
import { rotatedName } from './rotated-files.js';

export class SyncLogFile {
  private fd: number | null = null;
  private size = 0;
  private lastStamp = 0;
  private readonly interval: IntervalTimer;
  private readonly housekeeper: Housekeeper;

  constructor(
    readonly file: string,
    private readonly spec: LogRotationSpec,
    private readonly onError: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.housekeeper = createHousekeeper(file, spec.keep, spec.compress, onError);
    this.housekeeper.recover();
    this.open();
    this.interval = startIntervalTimer(spec.intervalMs, now, () => {
      if (this.size > 0) this.rotate();
    });
  }

  write(line: string): void {
    if (this.fd === null) this.open();
    if (this.fd === null) return;
    const bytes = Buffer.from(line);
    let done = 0;
    try {
      while (done < bytes.length) done += writeSync(this.fd, bytes, done);
      this.size += bytes.length;
    } catch (error) {
      // Whole lines only: a line the disk took part of (full) is cut back off.
      if (done > 0) this.cutBack();
      this.onError(`cannot write ${this.file}: ${(error as Error).message}`);
    }
    if (this.spec.maxSize > 0 && this.size >= this.spec.maxSize) this.rotate();
  }

  private cutBack(): void {
    try {
      ftruncateSync(this.fd!, this.size);
    } catch {
      // what cannot be cut stays
    }
  }

  reopen(): void {
    this.closeFd();
    this.open();
  }

  async close(): Promise<void> {
    this.interval.stop();
    this.closeFd();
    await this.housekeeper.idle();
  }

  private open(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o755 });
      this.fd = openSync(this.file, 'a', 0o640);
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      this.fd = null;
      this.onError(`cannot open ${this.file}: ${(error as Error).message}`);
    }
  }

  private closeFd(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private rotate(): void {
    this.closeFd();
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    const target = rotatedName(this.file, this.lastStamp);
    try {
      renameSync(this.file, target);
      this.housekeeper.afterRotation(target);
    } catch (error) {
      this.onError(`cannot rotate ${this.file}: ${(error as Error).message}`);
    }
    this.open();
  }
}
