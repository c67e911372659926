// Where one process's stdout and stderr go: a rotating file per stream ("merge" shares one,
// false discards), kept across restarts so a restarted process appends to the same files.
import type { Readable } from 'node:stream';
import type { OutputSpec, UnitSpec } from '../config/types.js';
import type { ChildHandle } from '../process/spawner.js';
import { feedInto } from './output-feed.js';
import { readPipe, type PipeReader } from './pipe-reader.js';
import { RotatingFile } from './rotating-file.js';

export type OutputStream = 'stdout' | 'stderr';

export interface ProcessOutput {
  /** Reads the child's pipes into the files; its exit is reported once what it wrote is written. */
  attach(child: ChildHandle): void;
  /** The live log a stream goes to (stderr merged: stdout's), or why there is none. */
  logOf(stream: OutputStream): RotatingFile | string;
  reopen(): void;
  close(): Promise<void>;
}

export function logFileFor(template: string, index: number): string {
  return template.replaceAll('{index}', String(index));
}

export function createProcessOutput(unit: UnitSpec, index: number, onError: (message: string) => void): ProcessOutput {
  const open = (spec: OutputSpec | null): RotatingFile | null => (spec === null ? null : new RotatingFile(logFileFor(spec.file, index), spec, onError));
  const out = open(unit.stdout);
  const merged = unit.stderr === 'merge';
  const err = merged ? out : open(unit.stderr as OutputSpec | null);
  const sinks = [...new Set([out, err])].filter((s): s is RotatingFile => s !== null);
  const connect = (stream: Readable, sink: RotatingFile | null, spec: OutputSpec | null): { reader: PipeReader; sink: RotatingFile } | null => {
    if (sink === null || spec === null) {
      stream.resume();
      return null;
    }
    return { reader: readPipe(stream, feedInto(sink, spec.timestamps)), sink };
  };
  return {
    attach(child) {
      // Merged, the child writes stderr into its stdout pipe; its own stderr pipe stays empty.
      const errPipe = connect(child.stderr, merged ? null : err, unit.stderr as OutputSpec | null);
      const pipes = [connect(child.stdout, out, unit.stdout), errPipe].filter((p) => p !== null);
      child.holdExit(async () => {
        for (const { reader, sink } of pipes) {
          while (reader.paused && !reader.ended) await reader.unpaused();
          await sink.flushed();
        }
      });
    },
    logOf(stream) {
      const sink = stream === 'stdout' ? out : err;
      if (sink !== null) return sink;
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
