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
  return new Log(file, rotation, level, stderr, format);
}

class Log implements SupdLog {
  private threshold: number;
  private out: SyncLogFile | null;
  private current: { file: string | null; rotation: LogRotationSpec };

  constructor(
    file: string | null,
    rotation: LogRotationSpec,
    level: LogLevel,
    private toStderr: Pick<NodeJS.WritableStream, 'write'> | null,
    private shape: LogFormat,
  ) {
    this.threshold = LEVELS[level];
    this.out = this.open(file, rotation);
    this.current = { file, rotation };
  }

  debug = (m: string, n?: string): void => this.write('debug', m, n);
  info = (m: string, n?: string): void => this.write('info', m, n);
  warn = (m: string, n?: string): void => this.write('warn', m, n);
  error = (m: string, n?: string): void => this.write('error', m, n);

  setLevel(next: LogLevel): void {
    this.threshold = LEVELS[next];
  }

  setFormat(next: LogFormat): void {
    this.shape = next;
  }

  setFile(file: string, rotation: LogRotationSpec): void {
    if (isDeepStrictEqual(this.current, { file, rotation })) return;
    void this.out?.close();
    this.out = this.open(file, rotation);
    this.current = { file, rotation };
  }

  detachStderr(): void {
    this.toStderr = null;
  }

  reopen(): void {
    this.out?.reopen();
  }

  async close(): Promise<void> {
    await this.out?.close();
  }

  private write(level: LogLevel, message: string, name?: string): void {
    if (LEVELS[level] < this.threshold) return;
    const time = new Date();
    const line = this.shape === 'json' ? formatJsonLine(time, { level, msg: message, ...(name === undefined ? {} : { name }) }) : formatLogLine(time, level, message, name);
    this.out?.write(line);
    this.toStderr?.write(line);
  }

  // supd.log's own failures (it cannot be written) go to stderr.
  private open(at: string | null, spec: LogRotationSpec): SyncLogFile | null {
    if (at === null) return null;
    return new SyncLogFile(at, spec, (message) => this.toStderr?.write(this.shape === 'json' ? formatJsonLine(new Date(), { level: 'error', msg: message }) : `supd: ${message}\n`));
  }
}
