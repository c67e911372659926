// supd.log's file. Written synchronously, one whole line per write: a supd killed by SIGKILL has
// lost no line of its own log, lines land in the order they happened, and a size rotation
// after a write can never cut a line. Rotated, compressed and pruned like the processes' logs
// (the same Rotation core).
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { LogRotationSpec } from '../config/types.js';
import { Rotation } from './rotation.js';

export class SyncLogFile {
  private fd: number | null = null;
  private size = 0;
  private readonly maxSize: number;
  private readonly rotation: Rotation;

  constructor(
    readonly file: string,
    spec: LogRotationSpec,
    private readonly onError: (message: string) => void,
    now: () => number = Date.now,
  ) {
    this.maxSize = spec.maxSize;
    this.rotation = new Rotation(file, spec, onError, now, () => {
      if (this.size > 0) this.rotate();
    });
    this.open();
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
    if (this.maxSize > 0 && this.size >= this.maxSize) this.rotate();
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
    this.closeFd();
    await this.rotation.stop();
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
    this.rotation.moveAsideSync();
    this.open();
  }
}
