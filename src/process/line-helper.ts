// A long-lived helper process fed lines on its stdin (the guardian's awk, the pipe sizer's perl).
// It does not keep supd's event loop alive; if it cannot start or dies, lines go nowhere.
// The lines of one turn go in one write: one write per line cost about 0.35 ms each (a wake-up
// of the helper every time), an eighth of starting 200 processes and two writes on every respawn.
import { spawn, type ChildProcess } from 'node:child_process';

export interface LineHelper {
  readonly pid: number | null;
  /** Queues a line (with its newline) for this turn's write. */
  send(line: string): void;
  /** Writes what is queued and closes the helper's stdin: it reaches its end of input. */
  close(): void;
}

export function startLineHelper(command: string, args: readonly string[], options: { detached?: boolean; env?: NodeJS.ProcessEnv } = {}): LineHelper {
  let child: ChildProcess | null = null;
  try {
    child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'], detached: options.detached === true, ...(options.env === undefined ? {} : { env: options.env }) });
    child.on('error', () => (child = null));
    child.stdin!.on('error', () => undefined);
    child.unref();
  } catch {
    child = null;
  }
  let pending = '';
  const flush = (): void => {
    if (pending !== '' && child?.stdin?.writable) child.stdin.write(pending);
    pending = '';
  };
  return {
    get pid() {
      return child?.pid ?? null;
    },
    send(line) {
      if (child === null) return;
      if (pending === '') queueMicrotask(flush);
      pending += line;
    },
    close() {
      flush();
      child?.stdin?.end();
      child = null;
    },
  };
}
