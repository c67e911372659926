// One supervisor per state dir: the pidfile is created exclusively; one left by a supd that
// died is recognised (its pid is gone, or is now some other program) and replaced.
import { closeSync, openSync, readFileSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { SupdError } from '../errors.js';
import { cannotWrite } from './state-dir.js';

export interface PidfileLock {
  release(): void;
}

export function isSupdProcess(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('supd');
  } catch {
    return true;
  }
}

export function readPidfile(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function acquirePidfile(file: string, onStale: (pid: number | null) => void): PidfileLock {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotWrite(path.dirname(file), 'cannot create the directory of the pidfile', error);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        release() {
          if (readPidfile(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotWrite(file, 'cannot create the pidfile', error);
      const pid = readPidfile(file);
      if (pid !== null && isSupdProcess(pid)) throw new SupdError('SUPD_E_ALREADY_RUNNING', `already running (pid ${pid})`);
      onStale(pid);
      rmSync(file, { force: true });
    }
  }
  throw new SupdError('SUPD_E_ALREADY_RUNNING', `cannot take the pidfile ${file}: another supd is starting`);
}
