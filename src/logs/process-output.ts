// Where one process's stdout and stderr go: a rotating file per stream ("merge" shares one,
// false discards), kept across restarts so a restarted process appends to the same files.
import type { Readable } from 'node:stream';
import type { OutputSpec, UnitSpec } from '../config/types.js';
import type { ChildHandle } from '../process/spawner.js';
import type { ConsoleFeed, ConsoleOutput } from './console.js';
import { feedInto } from './output-feed.js';
import { readPipe, type ChunkHandler, type PipeReader } from './pipe-reader.js';
import { RotatingFile } from './rotating-file.js';

export type OutputStream = 'stdout' | 'stderr';

/** One pipe of a running child as it is read, and where its reads go now. */
interface AttachedPipe {
  readonly stream: OutputStream;
  readonly reader: PipeReader;
  sink: RotatingFile | null;
  /** Its lines on supd's stdout (stdout/stderr = "console"), or null. */
  console: ConsoleFeed | null;
  handler: ChunkHandler;
}

/** A running child's pipes as they are read: handed from one output to the next on reload. */
export interface AttachedChild {
  readonly child: ChildHandle;
  readonly pipes: AttachedPipe[];
}

export interface ProcessOutput {
  /** Reads the child's pipes into the files; its exit is reported once what it wrote is written. */
  attach(child: ChildHandle): void;
  /** Lets go of the running child's pipes (reload: new log settings), if a child is attached. */
  detach(): AttachedChild | null;
  /** Takes over a running child's pipes from the output it was attached to. */
  adopt(attached: AttachedChild): void;
  /** The live log a stream goes to (stderr merged: stdout's), or why there is none. */
  logOf(stream: OutputStream): RotatingFile | string;
  reopen(): void;
  close(): Promise<void>;
}

/** `unit` is copy `index`'s (per-copy values filled in: its log files are its own). */
export function createProcessOutput(unit: UnitSpec, index: number, onError: (message: string) => void, consoleOut: ConsoleOutput | null = null): ProcessOutput {
  return new Outputs(unit, `${unit.name}:${index}`, onError, consoleOut);
}

type Route = Pick<AttachedPipe, 'sink' | 'console' | 'handler'>;

class Outputs implements ProcessOutput {
  private readonly out: RotatingFile | null;
  private readonly err: RotatingFile | null;
  private readonly merged: boolean;
  private readonly sinks: RotatingFile[];
  private attached: AttachedChild | null = null;

  constructor(
    private readonly unit: UnitSpec,
    private readonly name: string,
    onError: (message: string) => void,
    private readonly consoleOut: ConsoleOutput | null,
  ) {
    const open = (spec: OutputSpec | null): RotatingFile | null => (spec === null ? null : new RotatingFile(spec.file, spec, onError));
    this.out = open(unit.stdout);
    this.merged = unit.stderr === 'merge';
    this.err = this.merged ? this.out : open(unit.stderr as OutputSpec | null);
    this.sinks = [...new Set([this.out, this.err])].filter((s): s is RotatingFile => s !== null);
    if (this.wantsConsole('stdout') || this.wantsConsole('stderr')) consoleOut!.register(this.name, unit.program);
  }

  attach(child: ChildHandle): void {
    const pipes = [this.connect('stdout', child.stdout, child.pid), this.connect('stderr', child.stderr, child.pid)].filter((p) => p !== null);
    const current: AttachedChild = { child, pipes };
    this.attached = current;
    child.holdExit(async () => {
      for (const pipe of current.pipes) {
        while (pipe.reader.paused && !pipe.reader.ended) await pipe.reader.unpaused();
        await pipe.sink?.flushed();
        await pipe.console?.flushed();
      }
    });
  }

  detach(): AttachedChild | null {
    const current = this.attached;
    this.attached = null;
    return current;
  }

  adopt(previous: AttachedChild): void {
    this.attached = previous;
    // A stream that was discarded and now has a file: read it from here on.
    for (const stream of ['stdout', 'stderr'] as const) {
      if (previous.pipes.some((p) => p.stream === stream)) continue;
      const pipe = this.connect(stream, previous.child[stream], previous.child.pid);
      if (pipe !== null) previous.pipes.push(pipe);
    }
    for (const pipe of previous.pipes) this.reroute(pipe, previous.child.pid);
  }

  logOf(stream: OutputStream): RotatingFile | string {
    const sink = this.sinkOf(stream);
    if (sink !== null) return sink;
    if (this.unit.console[stream]) return `${stream} goes to supd's stdout (${stream} = "console"), not to a file`;
    return `${stream} is not kept (${stream} = false)`;
  }

  reopen(): void {
    for (const sink of this.sinks) sink.reopen();
  }

  async close(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.close()));
  }

  private sinkOf(stream: OutputStream): RotatingFile | null {
    return stream === 'stdout' ? this.out : this.err;
  }

  private specOf(stream: OutputStream): OutputSpec | null {
    return stream === 'stdout' || this.merged ? this.unit.stdout : (this.unit.stderr as OutputSpec | null);
  }

  private wantsConsole(stream: OutputStream): boolean {
    return this.consoleOut !== null && this.unit.console[stream];
  }

  // Where a stream's reads go: its file, the console, both, or nowhere. Merged, the child's stderr is its stdout pipe.
  private routeOf(stream: OutputStream, pid: number, feed: ConsoleFeed | null): Route | null {
    const sink = this.sinkOf(stream);
    const spec = this.specOf(stream);
    const file = sink === null || spec === null ? null : feedInto(sink, spec.timestamps);
    const lines = this.wantsConsole(stream) ? (feed ?? this.consoleOut!.feed(this.name, this.unit.program, pid, stream)) : null;
    if (file === null && lines === null) return null;
    return { sink, console: lines, handler: teeHandlers(file, lines?.handler ?? null) };
  }

  private connect(stream: OutputStream, pipe: Readable, pid: number): AttachedPipe | null {
    const target = this.routeOf(stream, pid, null);
    if (target === null) {
      pipe.resume();
      return null;
    }
    const route: Omit<AttachedPipe, 'reader'> = { stream, ...target };
    // The last line of a stream that ends without a newline still reaches the console.
    pipe.once('end', () => route.console?.end());
    const reader = readPipe(pipe, (data, release) => route.handler(data, release));
    return Object.assign(route, { reader });
  }

  // A pipe taken over on reload goes where this output's settings say.
  private reroute(pipe: AttachedPipe, pid: number): void {
    // A console kept across the reload keeps its unfinished line.
    const keptFeed = this.wantsConsole(pipe.stream) ? pipe.console : null;
    if (!this.wantsConsole(pipe.stream)) pipe.console?.end();
    const target = this.routeOf(pipe.stream, pid, keptFeed);
    const before = pipe.sink;
    if (target === null) {
      pipe.console = null;
      pipe.handler = (_data, release) => release();
      return;
    }
    // The old file's last bytes go first, when both name one file.
    if (before !== null) target.sink?.after(before.flushed());
    Object.assign(pipe, target);
  }
}

// Both a file and the console: each gets the read; it goes back to the reader once both are done with it.
function teeHandlers(a: ChunkHandler | null, b: ChunkHandler | null): ChunkHandler {
  if (a === null) return b!;
  if (b === null) return a;
  return (data, release) => {
    let left = 2;
    const done = (): void => {
      if (--left === 0) release();
    };
    a(data, done);
    b(data, done);
  };
}
