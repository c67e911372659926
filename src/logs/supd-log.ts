// supd's own log: one line per event with time, level and process name, to supd.log (rotated
// like the processes' logs, by [supervisor] log) and, in the foreground, to stderr.
import { isDeepStrictEqual } from 'node:util';
import type { LogRotationSpec } from '../config/types.js';
import { formatJsonLine, type LogFormat } from './log-format.js';
import { SyncLogFile } from './sync-log-file.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, name?: string): void;
  info(message: string, name?: string): void;
  warn(message: string, name?: string): void;
  error(message: string, name?: string): void;
}

export interface SupdLog extends Logger {
  setLevel(level: LogLevel): void;
  /** log_format: text lines, or one JSON object a line. */
  setFormat(format: LogFormat): void;
  /** Reload: write to this file with this rotation from now on (nothing happens if neither changed). */
  setFile(file: string, rotation: LogRotationSpec): void;
  /** Stop copying lines to stderr (a detached supd, once it answers on its socket). */
  detachStderr(): void;
  reopen(): void;
  close(): Promise<void>;
}

export function formatLogLine(time: Date, level: LogLevel, message: string, name?: string): string {
  return `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${name === undefined ? '' : `[${name}] `}${message}\n`;
}

export function openSupdLog(file: string | null, rotation: LogRotationSpec, level: LogLevel, stderr: Pick<NodeJS.WritableStream, 'write'> | null, format: LogFormat = 'text'): SupdLog {
  let threshold = LEVELS[level];
  let toStderr = stderr;
  let shape = format;
  const open = (at: string | null, spec: LogRotationSpec): SyncLogFile | null =>
    at === null ? null : new SyncLogFile(at, spec, (message) => toStderr?.write(shape === 'json' ? formatJsonLine(new Date(), { level: 'error', msg: message }) : `supd: ${message}\n`));
  let out = open(file, rotation);
  let current = { file, rotation };
  const write = (lvl: LogLevel, message: string, name?: string): void => {
    if (LEVELS[lvl] < threshold) return;
    const time = new Date();
    const line = shape === 'json' ? formatJsonLine(time, { level: lvl, msg: message, ...(name === undefined ? {} : { name }) }) : formatLogLine(time, lvl, message, name);
    out?.write(line);
    toStderr?.write(line);
  };
  return {
    debug: (m, n) => write('debug', m, n),
    info: (m, n) => write('info', m, n),
    warn: (m, n) => write('warn', m, n),
    error: (m, n) => write('error', m, n),
    setLevel(next) {
      threshold = LEVELS[next];
    },
    setFormat(next) {
      shape = next;
    },
    setFile(nextFile, nextRotation) {
      if (isDeepStrictEqual(current, { file: nextFile, rotation: nextRotation })) return;
      void out?.close();
      out = open(nextFile, nextRotation);
      current = { file: nextFile, rotation: nextRotation };
    },
    detachStderr() {
      toStderr = null;
    },
    reopen() {
      out?.reopen();
    },
    async close() {
      await out?.close();
    },
  };
}
