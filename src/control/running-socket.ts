// Where the running supd listens, remembered beside its config: a reload cannot move the
// socket (state_dir, socket), so once the file names another place the CLI would lose the
// running supervisor (issue 14). `.<config name>.supd` beside the config holds its pid and
// socket; the CLI follows it when the socket the file names does not answer.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSupdError } from '../errors.js';
import { connectControl, type ControlClient } from './client.js';

interface RunningRecord {
  readonly pid: number;
  readonly socket: string;
}

export function runningSocketFile(configFile: string): string {
  const file = path.resolve(configFile);
  return path.join(path.dirname(file), `.${path.basename(file)}.supd`);
}

/** Writes the record (best effort: a config dir supd cannot write only loses this fallback); returns its removal. */
export function recordRunningSocket(configFile: string, socket: string, pid: number, warn: (message: string) => void): () => void {
  const file = runningSocketFile(configFile);
  try {
    writeFileSync(file, `${JSON.stringify({ pid, socket } satisfies RunningRecord)}\n`, { mode: 0o644 });
  } catch (error) {
    warn(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): the CLI will not find this supd once state_dir or socket change in the file`);
    return () => undefined;
  }
  return () => {
    if (readRecord(configFile)?.pid === pid) rmSync(file, { force: true });
  };
}

/** Connects to `socketPath`, or, when nobody answers there, to the socket the running supd of this config recorded. */
export async function connectFollowing(socketPath: string, configFile: string | null): Promise<{ client: ControlClient; movedFrom: string | null }> {
  try {
    return { client: await connectControl(socketPath), movedFrom: null };
  } catch (error) {
    const record = configFile === null || !isSupdError(error) || error.code !== 'SUPD_E_NOT_RUNNING' ? null : readRecord(configFile);
    if (record === null || record.socket === socketPath) throw error;
    try {
      return { client: await connectControl(record.socket), movedFrom: record.socket };
    } catch {
      throw error;
    }
  }
}

function readRecord(configFile: string): RunningRecord | null {
  try {
    const data = JSON.parse(readFileSync(runningSocketFile(configFile), 'utf8')) as Partial<RunningRecord>;
    return typeof data.pid === 'number' && typeof data.socket === 'string' ? { pid: data.pid, socket: data.socket } : null;
  } catch {
    return null;
  }
}
