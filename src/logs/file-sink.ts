// A Writable over an append-mode file that can be reopened (SIGUSR2, after an outside
// logrotate moved the file) without the streams piped into it noticing. Its callback waits
// for the file write, so a child that writes faster than the disk waits on its pipe.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';

export class FileSink extends Writable {
  readonly file: string;
  private out: WriteStream;
  private failed: string | null = null;

  constructor(file: string, private readonly onError: (message: string) => void = () => undefined) {
    super({ highWaterMark: 64 * 1024 });
    this.file = file;
    this.out = this.open();
  }

  private open(): WriteStream {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o755 });
    const out = createWriteStream(this.file, { flags: 'a', mode: 0o640 });
    out.on('error', (error) => this.reportError(error));
    return out;
  }

  private reportError(error: Error): void {
    const message = `log file ${this.file}: ${error.message}`;
    if (this.failed !== message) this.onError(message);
    this.failed = message;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeChunk(chunk, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.writeChunk(Buffer.concat(chunks.map((c) => c.chunk)), callback);
  }

  private writeChunk(chunk: Buffer, callback: (error?: Error | null) => void): void {
    this.out.write(chunk, (error) => {
      if (error) this.reportError(error);
      else this.failed = null;
      // A write error is logged, not passed on: it must never take the child's pipe down.
      callback();
    });
  }

  reopen(): void {
    const old = this.out;
    this.out = this.open();
    old.end();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.out.end(() => callback());
  }
}
