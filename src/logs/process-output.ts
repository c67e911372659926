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
  const open = (spec: OutputSpec | null): RotatingFile | null => (spec === null ? null : new RotatingFile(spec.file, spec, onError));
  const out = open(unit.stdout);
  const merged = unit.stderr === 'merge';
  const err = merged ? out : open(unit.stderr as OutputSpec | null);
  const sinks = [...new Set([out, err])].filter((s): s is RotatingFile => s !== null);
  const sinkOf = (stream: OutputStream): RotatingFile | null => (stream === 'stdout' ? out : err);
  const specOf = (stream: OutputStream): OutputSpec | null => (stream === 'stdout' || merged ? unit.stdout : (unit.stderr as OutputSpec | null));
  const name = `${unit.name}:${index}`;
  const wantsConsole = (stream: OutputStream): boolean => consoleOut !== null && unit.console[stream];
  if (wantsConsole('stdout') || wantsConsole('stderr')) consoleOut!.register(name, unit.program);
  // Where a stream's reads go: its file, the console, both, or nowhere. Merged, the child's stderr is its stdout pipe.
  const routeOf = (stream: OutputStream, pid: number, feed: ConsoleFeed | null): Pick<AttachedPipe, 'sink' | 'console' | 'handler'> | null => {
    const sink = sinkOf(stream);
    const spec = specOf(stream);
    const file = sink === null || spec === null ? null : feedInto(sink, spec.timestamps);
    const lines = wantsConsole(stream) ? (feed ?? consoleOut!.feed(name, unit.program, pid, stream)) : null;
    if (file === null && lines === null) return null;
    return { sink, console: lines, handler: teeHandlers(file, lines?.handler ?? null) };
  };
  let attached: AttachedChild | null = null;
  const connect = (stream: OutputStream, pipe: Readable, pid: number): AttachedPipe | null => {
    const target = routeOf(stream, pid, null);
    if (target === null) {
      pipe.resume();
      return null;
    }
    const route: Omit<AttachedPipe, 'reader'> = { stream, ...target };
    // The last line of a stream that ends without a newline still reaches the console.
    pipe.once('end', () => route.console?.end());
    const reader = readPipe(pipe, (data, release) => route.handler(data, release));
    return Object.assign(route, { reader });
  };
  return {
    attach(child) {
      const pipes = [connect('stdout', child.stdout, child.pid), connect('stderr', child.stderr, child.pid)].filter((p) => p !== null);
      const current: AttachedChild = { child, pipes };
      attached = current;
      child.holdExit(async () => {
        for (const pipe of current.pipes) {
          while (pipe.reader.paused && !pipe.reader.ended) await pipe.reader.unpaused();
          await pipe.sink?.flushed();
          await pipe.console?.flushed();
        }
      });
    },
    detach() {
      const current = attached;
      attached = null;
      return current;
    },
    adopt(previous) {
      attached = previous;
      // A stream that was discarded and now has a file: read it from here on.
      for (const stream of ['stdout', 'stderr'] as const) {
        if (previous.pipes.some((p) => p.stream === stream)) continue;
        const pipe = connect(stream, previous.child[stream], previous.child.pid);
        if (pipe !== null) previous.pipes.push(pipe);
      }
      for (const pipe of previous.pipes) {
        // A console kept across the reload keeps its unfinished line.
        const keptFeed = wantsConsole(pipe.stream) ? pipe.console : null;
        if (!wantsConsole(pipe.stream)) pipe.console?.end();
        const target = routeOf(pipe.stream, previous.child.pid, keptFeed);
        const before = pipe.sink;
        if (target === null) {
          pipe.console = null;
          pipe.handler = (_data, release) => release();
          continue;
        }
        // The old file's last bytes go first, when both name one file.
        if (before !== null) target.sink?.after(before.flushed());
        Object.assign(pipe, target);
      }
    },
    logOf(stream) {
      const sink = sinkOf(stream);
      if (sink !== null) return sink;
      if (unit.console[stream]) return `${stream} goes to supd's stdout (${stream} = "console"), not to a file`;
      return `${stream} is not kept (${stream} = false)`;
    },
    reopen() {
      for (const sink of sinks) sink.reopen();
    },
    async close() {
      await Promise.all(sinks.map((sink) => sink.close()));
    },
  };
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
