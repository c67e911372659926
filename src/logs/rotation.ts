// The rotation core that both log writers share (a child's RotatingFile, supd.log's
// SyncLogFile): the interval timer, the move of the live file aside to `<file>.<UTC time>`
// (rotated-files.ts names them), and the housekeeper that then gzips and prunes to `keep` in
// the background. The writers decide when to rotate (they never cut a line) and own the
// live file; this moves it aside.
import { rename } from 'node:fs/promises';
import { renameSync } from 'node:fs';
import type { LogRotationSpec } from '../config/types.js';
import { createHousekeeper, type Housekeeper } from './housekeeper.js';
import { startIntervalTimer, type IntervalTimer } from './interval-timer.js';
import { listRotated, parseStamp, rotatedName, type RotatedListing } from './rotated-files.js';

export class Rotation {
  /** The stamp of the last rotated file (-1: not known yet): stamps only go up, never repeat. */
  private lastStamp = -1;
  private readonly interval: IntervalTimer;
  private readonly housekeeper: Housekeeper;

  /** Finishes what a previous supd left (housekeeper.recover), and calls `onBoundary` at each interval boundary. */
  constructor(
    readonly file: string,
    spec: LogRotationSpec,
    private readonly report: (message: string) => void,
    private readonly now: () => number,
    onBoundary: () => void,
  ) {
    this.housekeeper = createHousekeeper(file, spec.keep, spec.compress, report);
    this.housekeeper.recover();
    this.interval = startIntervalTimer(spec.intervalMs, now, onBoundary);
  }

  /** Renames the (closed) live file aside, after the newest rotated file already there. */
  async moveAside(): Promise<void> {
    if (this.lastStamp < 0) this.lastStamp = newestStamp(await listRotated(this.file));
    const target = this.nextName();
    await rename(this.file, target).then(
      () => this.housekeeper.afterRotation(target),
      (error: Error) => this.failed(error),
    );
  }

  /** The same, synchronously (supd.log, written synchronously). */
  moveAsideSync(): void {
    const target = this.nextName();
    try {
      renameSync(this.file, target);
      this.housekeeper.afterRotation(target);
    } catch (error) {
      this.failed(error as Error);
    }
  }

  /** Stops the interval timer; resolves once the housekeeper is done. */
  async stop(): Promise<void> {
    this.interval.stop();
    await this.housekeeper.idle();
  }

  private nextName(): string {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return rotatedName(this.file, this.lastStamp);
  }

  private failed(error: Error): void {
    this.report(`cannot rotate ${this.file}: ${error.message}`);
  }
}

function newestStamp(listing: RotatedListing): number {
  const stamps = [...listing.pathsByStamp.keys()];
  return stamps.length === 0 ? 0 : parseStamp(stamps[stamps.length - 1]!);
}
