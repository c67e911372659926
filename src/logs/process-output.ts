// Where one process's stdout and stderr go: a file sink per stream ("merge" shares one),
// kept across restarts so a restarted process appends to the same files.
import type { Readable } from 'node:stream';
import type { UnitSpec } from '../config/types.js';
import { FileSink } from './file-sink.js';

export interface ProcessOutput {
  attach(stdout: Readable, stderr: Readable): void;
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
  const connect = (stream: Readable, sink: FileSink | null): void => {
    if (sink === null) stream.resume();
    else stream.pipe(sink, { end: false });
  };
  return {
    attach(stdout, stderr) {
      connect(stdout, out);
      connect(stderr, err);
    },
    reopen() {
      for (const sink of sinks) sink.reopen();
    },
    close() {
      return Promise.all(sinks.map((sink) => new Promise<void>((resolve) => sink.end(resolve)))).then(() => undefined);
    },
  };
}
