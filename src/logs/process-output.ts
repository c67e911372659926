// Where one process's stdout and stderr go: a file sink per stream ("merge" shares one),
// kept across restarts so a restarted process appends to the same files.
import type { Readable } from 'node:stream';
import type { UnitSpec } from '../config/types.js';
import { FileSink } from './file-sink.js';

export interface ProcessOutput {
  attach(stdout: Readable, stderr: Readable): void;
  /** Unpipes the attached child streams (to move them to new files on reload), if any. */
  detach(): { stdout: Readable; stderr: Readable } | null;
  reopen(): void;
  close(): Promise<void>;
}

export function logFileFor(template: string, index: number): string {
  return template.replaceAll('{index}', String(index));
}

export function createProcessOutput(unit: UnitSpec, index: number, onError: (message: string) => void): ProcessOutput {
  const out = unit.stdout === null ? null : new FileSink(logFileFor(unit.stdout.file, index), onError);
  const err = unit.stderr === 'merge' ? out : unit.stderr === null ? null : new FileSink(logFileFor(unit.stderr.file, index), onError);
  const sinks = [...new Set([out, err])].filter((s): s is FileSink => s !== null);
  let attached: { stdout: Readable; stderr: Readable } | null = null;
  const connect = (stream: Readable, sink: FileSink | null): void => {
    if (sink === null) stream.resume();
    else stream.pipe(sink, { end: false });
  };
  return {
    attach(stdout, stderr) {
      attached = { stdout, stderr };
      connect(stdout, out);
      connect(stderr, err);
    },
    detach() {
      const streams = attached;
      if (streams !== null) for (const sink of sinks) {
        streams.stdout.unpipe(sink);
        streams.stderr.unpipe(sink);
      }
      attached = null;
      return streams;
    },
    reopen() {
      for (const sink of sinks) sink.reopen();
    },
    close() {
      return Promise.all(sinks.map((sink) => new Promise<void>((resolve) => sink.end(resolve)))).then(() => undefined);
    },
  };
}
