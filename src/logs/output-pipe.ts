// One pipe of a running child (its stdout or its stderr) as supd reads it: one object, no
// closure of its own, which makes nothing more until the child writes: its file's feed, its
// console feed and the tracker of its last line come with the first read (a silent child's
// streams cost this object and the socket). Its route (the output whose settings say where its
// reads go) changes on reload; the pipe, its unfinished console line and its last line stay.
import type { Readable } from 'node:stream';
import type { ChildHandle } from '../process/spawner.js';
import type { ConsoleFeed } from './console.js';
import { LastLine } from './last-line.js';
import { PipeReader, type ChunkHandler } from './pipe-reader.js';
import type { RotatingFile } from './rotating-file.js';

export type OutputStream = 'stdout' | 'stderr';

/** Where a stream's reads go: what a process's output offers its pipes. */
export interface PipeRoute {
  /** A new feed into the stream's file (its own timestamp state), or null: no file. */
  fileFeed(stream: OutputStream): ChunkHandler | null;
  /** A new feed of the stream's lines to supd's stdout, or null: not on the console. */
  consoleFeed(stream: OutputStream, pid: number): ConsoleFeed | null;
  wantsConsole(stream: OutputStream): boolean;
  /** The stream's file writer (made now when `open`), or null. */
  sinkOf(stream: OutputStream, open: boolean): RotatingFile | null;
}

export class OutputPipe extends PipeReader {
  /** The feed into its file: undefined until the first read (after a reroute too), null with no file. */
  private file: ChunkHandler | null | undefined = undefined;
  /** Its line feed to supd's stdout: undefined until the first read (after a reroute too), null with no console. */
  private console: ConsoleFeed | null | undefined = undefined;
  private last: LastLine | null = null;

  constructor(
    stream: Readable,
    readonly name: OutputStream,
    private route: PipeRoute,
    private readonly pid: number,
    /** Whether this pipe carries what the program writes to stderr (merged: its stdout pipe). */
    private readonly tracksLastLine: boolean,
  ) {
    super(stream);
  }

  /** The last non-empty line read (an unfinished one included), if this pipe tracks it. */
  get lastLine(): string | null {
    return this.last?.line ?? null;
  }

  /** A reload: reads go where `next` says; a console kept keeps its unfinished line. */
  moveTo(next: PipeRoute): void {
    const before = this.route.sinkOf(this.name, false);
    if (!next.wantsConsole(this.name)) {
      this.console?.end();
      this.console = undefined;
    } else if (this.console === null) this.console = undefined; // the new route may have one
    this.route = next;
    this.file = undefined;
    // The old file's last bytes go first, when both name one file.
    if (before !== null) next.sinkOf(this.name, true)?.after(before.flushed());
  }

  /** Resolves once what was read is written (reading resumed until the pipe ended, when stopped). */
  async flushed(): Promise<void> {
    while (this.paused && !this.ended) await this.unpaused();
    await this.route.sinkOf(this.name, false)?.flushed();
    await this.console?.flushed();
  }

  // Its file, the console, both (the read goes back once both are done with it), or nowhere.
  protected chunk(data: Buffer, release: () => void): void {
    if (this.tracksLastLine) (this.last ??= new LastLine()).feed(data);
    if (this.file === undefined) this.file = this.route.fileFeed(this.name);
    if (this.console === undefined) this.console = this.route.consoleFeed(this.name, this.pid);
    const lines = this.console;
    const file = this.file;
    if (lines === null) return file === null ? release() : file(data, release);
    if (file === null) return lines.handler(data, release);
    let left = 2;
    const done = (): void => {
      if (--left === 0) release();
    };
    file(data, done);
    lines.handler(data, done);
  }

  // The last line of a stream that ends without a newline still reaches the console.
  protected override finished(): void {
    this.console?.end();
  }
}

/** A running child's pipes as they are read: handed from one output to the next on reload. */
export class AttachedChild {
  readonly stdout: OutputPipe;
  readonly stderr: OutputPipe;

  constructor(
    readonly child: ChildHandle,
    route: PipeRoute,
    merged: boolean,
  ) {
    this.stdout = new OutputPipe(child.stdout, 'stdout', route, child.pid, merged).start();
    this.stderr = new OutputPipe(child.stderr, 'stderr', route, child.pid, !merged).start();
  }

  /** The child's last stderr line, for a failed start's reason. */
  get line(): string | null {
    return this.stderr.lastLine ?? this.stdout.lastLine;
  }

  moveTo(next: PipeRoute): void {
    this.stdout.moveTo(next);
    this.stderr.moveTo(next);
  }

  /** Resolves once what the child wrote is in its files and on the console. */
  async drained(): Promise<void> {
    await this.stdout.flushed();
    await this.stderr.flushed();
  }
}
