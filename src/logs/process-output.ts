// Where one process's stdout and stderr go: a rotating file per stream ("merge" shares one,
// false discards), kept across restarts so a restarted process appends to the same files.
// A file's writer (a RotatingFile: an open handle, its queue, its housekeeping) is made when
// the stream first writes, or when something asks for the log (`supd logs`): a process that
// says nothing costs no writer (about 17 KB of supd's memory a process, measured with 300).
// The file itself is created at once, empty, so that it exists before any output. The running
// child's pipes are output-pipe.ts's (one object each, which ask this output where reads go).
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import type { OutputSpec, UnitSpec } from '../config/types.js';
import type { ChildHandle } from '../process/spawner.js';
import type { ConsoleFeed, ConsoleOutput } from './console.js';
import { feedInto } from './output-feed.js';
import { AttachedChild, type OutputStream, type PipeRoute } from './output-pipe.js';
import type { ChunkHandler } from './pipe-reader.js';
import { RotatingFile } from './rotating-file.js';

export { AttachedChild, type OutputStream } from './output-pipe.js';

/** A log file's problem, with the name (`program:index`) of the process whose output it is. */
export type LogErrorHandler = (message: string, name: string) => void;

export interface ProcessOutput {
  /** Reads the child's pipes into the files; its exit is reported once what it wrote is written. */
  attach(child: ChildHandle): AttachedChild;
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
export function createProcessOutput(unit: UnitSpec, index: number, onError: LogErrorHandler, consoleOut: ConsoleOutput | null = null): ProcessOutput {
  return new Outputs(unit, `${unit.name}:${index}`, onError, consoleOut);
}

// Its state in fields, its work in methods: a process costs this object (and a file writer
// once a stream writes), no closures.
class Outputs implements ProcessOutput, PipeRoute {
  private readonly merged: boolean;
  /** The writers of stdout's file (merged: stdout's and stderr's) and stderr's, once made. */
  private out: RotatingFile | null = null;
  private err: RotatingFile | null = null;
  private attached: AttachedChild | null = null;

  constructor(
    private readonly unit: UnitSpec,
    private readonly name: string,
    private readonly onError: LogErrorHandler,
    private readonly consoleOut: ConsoleOutput | null,
  ) {
    this.merged = unit.stderr === 'merge';
    // A file that could not be created empty (a directory that cannot be made, no permission)
    // gets its writer at once, which reports the problem the way it reports any; so does one
    // that rotates on a timer.
    for (const stream of ['stdout', 'stderr'] as const) {
      const spec = this.merged && stream === 'stderr' ? null : this.specOf(stream);
      if (spec !== null && (spec.intervalMs !== null || !createEmpty(spec.file))) this.sinkOf(stream, true);
    }
    if (this.wantsConsole('stdout') || this.wantsConsole('stderr')) consoleOut!.register(this.name, unit.program);
  }

  attach(child: ChildHandle): AttachedChild {
    const current = new AttachedChild(child, this, this.merged);
    this.attached = current;
    child.holdExit(() => current.drained());
    return current;
  }

  detach(): AttachedChild | null {
    const current = this.attached;
    this.attached = null;
    return current;
  }

  adopt(previous: AttachedChild): void {
    this.attached = previous;
    previous.moveTo(this);
  }

  logOf(stream: OutputStream): RotatingFile | string {
    const sink = this.sinkOf(stream, true);
    if (sink !== null) return sink;
    if (this.unit.console[stream]) return `${stream} goes to supd's stdout (${stream} = "console"), not to a file`;
    return `${stream} is not kept (${stream} = false)`;
  }

  reopen(): void {
    for (const sink of this.made()) sink.reopen();
  }

  async close(): Promise<void> {
    await Promise.all(this.made().map((sink) => sink.close()));
  }

  /** A stream's writer: made now when `open`, else null until its first write. */
  sinkOf(stream: OutputStream, open: boolean): RotatingFile | null {
    const spec = this.specOf(stream);
    if (spec === null) return null;
    if (stream === 'stdout' || this.merged) return open ? (this.out ??= this.writer(spec)) : this.out;
    return open ? (this.err ??= this.writer(spec)) : this.err;
  }

  fileFeed(stream: OutputStream): ChunkHandler | null {
    const spec = this.specOf(stream);
    return spec === null ? null : feedInto(this.sinkOf(stream, true)!, spec.timestamps);
  }

  consoleFeed(stream: OutputStream, pid: number): ConsoleFeed | null {
    return this.wantsConsole(stream) ? this.consoleOut!.feed(this.name, this.unit.program, pid, stream) : null;
  }

  wantsConsole(stream: OutputStream): boolean {
    return this.consoleOut !== null && this.unit.console[stream];
  }

  private specOf(stream: OutputStream): OutputSpec | null {
    return stream === 'stdout' || this.merged ? this.unit.stdout : (this.unit.stderr as OutputSpec | null);
  }

  private writer(spec: OutputSpec): RotatingFile {
    return new RotatingFile(spec.file, spec, (message) => this.onError(message, this.name));
  }

  private made(): RotatingFile[] {
    return [this.out, this.err].filter((sink) => sink !== null);
  }
}

// Only a regular file (or none yet) waits for its writer: a FIFO or a device gets its writer
// at once, as before (opening one here would block, or end a reader's stream when closed).
function createEmpty(file: string): boolean {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat !== undefined) return stat.isFile();
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    closeSync(openSync(file, 'a', 0o640));
    return true;
  } catch {
    return false;
  }
}
