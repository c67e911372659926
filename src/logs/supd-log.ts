// supd's own log: one line per event with time, level and process name, to supd.log and,
// in the foreground, to stderr.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

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
  /** Stop copying lines to stderr (a detached supd, once it answers on its socket). */
  detachStderr(): void;
  reopen(): void;
  close(): Promise<void>;
}

export function formatLogLine(time: Date, level: LogLevel, message: string, name?: string): string {
  return `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${name === undefined ? '' : `[${name}] `}${message}\n`;
}

export function openSupdLog(file: string | null, level: LogLevel, stderr: NodeJS.WritableStream | null): SupdLog {
  let threshold = LEVELS[level];
  let toStderr = stderr;
  const open = (): WriteStream | null => {
    if (file === null) return null;
    mkdirSync(path.dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: 'a', mode: 0o640 });
    stream.on('error', (error) => toStderr?.write(`supd: cannot write ${file}: ${error.message}\n`));
    return stream;
  };
  let out = open();
  const write = (lvl: LogLevel, message: string, name?: string): void => {
    if (LEVELS[lvl] < threshold) return;
    const line = formatLogLine(new Date(), lvl, message, name);
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
    detachStderr() {
      toStderr = null;
    },
    reopen() {
      const old = out;
      out = open();
      old?.end();
    },
    close() {
      return new Promise((resolve) => (out === null ? resolve() : out.end(resolve)));
    },
  };
}
