// A RotatingFile's live file: one open handle, appended to in whole lines. A write the disk
// fails (full) is dropped, not retried, and what of it made it is cut back to the last line
// end; where that cannot be, the next write starts on a new line.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { cutParts, endsMidLine, lastLineEnd, totalLength } from './lines.js';

const NEWLINE = Buffer.from('\n');

export class LiveFile {
  /** Where the file's last whole line ends (-1: not known); a failed write is cut back to it. */
  private lineStart: number;
  /** A cut line could not be removed: start the next write on a new line. */
  private breakLine = false;

  private constructor(
    private readonly handle: FileHandle,
    public size: number,
    /** The file ends in the middle of a line. */
    public midLine: boolean,
  ) {
    this.lineStart = midLine ? -1 : size;
  }

  /** Opens (creates, with its directory) the file to append. */
  static async open(file: string): Promise<LiveFile> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    const handle = await open(file, 'a+', 0o640);
    try {
      const { size } = await handle.stat();
      return new LiveFile(handle, size, size > 0 && (await lastByte(handle, size)) !== 0x0a);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Writes all of `parts`; on a failure returns the error (the partial line cut back off). */
  async write(parts: Buffer[]): Promise<Error | null> {
    let rest = this.breakLine ? [NEWLINE, ...parts] : parts;
    let left = totalLength(rest);
    while (left > 0) {
      try {
        const { bytesWritten } = await this.handle.writev(rest);
        const end = lastLineEnd(rest, bytesWritten);
        if (end !== -1) this.lineStart = this.size + end + 1;
        this.size += bytesWritten;
        left -= bytesWritten;
        this.breakLine = false;
        if (left > 0) rest = cutParts(rest, bytesWritten)[1];
      } catch (error) {
        await this.cutBackToLineEnd();
        return error as Error;
      }
    }
    this.midLine = endsMidLine(parts, this.midLine);
    return null;
  }

  /** Empties the file; says whether it ended mid-line (the rest of that line is not wanted). */
  async clear(): Promise<boolean> {
    await this.handle.truncate(0);
    const cut = this.midLine;
    this.size = 0;
    this.lineStart = 0;
    this.midLine = false;
    return cut;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  private async cutBackToLineEnd(): Promise<void> {
    if (this.size === this.lineStart) {
      this.midLine = false;
      return;
    }
    try {
      if (this.lineStart < 0) throw new Error('no line end known');
      await this.handle.truncate(this.lineStart);
      this.size = this.lineStart;
      this.midLine = false;
    } catch {
      this.breakLine = true;
    }
  }
}

async function lastByte(handle: FileHandle, size: number): Promise<number> {
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, size - 1);
  return one[0]!;
}
