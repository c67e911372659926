// Running a hook command (SPEC key `hooks`): the process's own environment plus the event's
// SUPD_* variables, a timeout, and its output line by line into supd.log. Never blocks
// anything but the one start that waits on a before_start hook.
import type { SpawnRequest } from './spawner.js';
import { signalProcess, spawnChild } from './spawner.js';

export type HookEvent = 'before_start' | 'after_start' | 'after_exit' | 'on_fatal';

export interface HookRun {
  readonly event: HookEvent;
  readonly request: SpawnRequest;
  readonly timeoutMs: number;
  readonly log: (level: 'info' | 'warn', message: string) => void;
}

/** Resolves to null when the hook exited 0, else to why it failed. */
export async function runHook(run: HookRun): Promise<string | null> {
  const spawned = await spawnChild(run.request);
  if (!spawned.ok) {
    run.log('warn', `${run.event} hook cannot start: ${spawned.reason}`);
    return `${run.event} hook cannot start: ${spawned.reason}`;
  }
  const child = spawned.child;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) run.log('info', `${run.event} hook: ${line}`);
    });
    stream.on('end', () => partial !== '' && run.log('info', `${run.event} hook: ${partial}`));
  }
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalProcess(child.pid, 'SIGKILL', true);
    }, run.timeoutMs);
    child.onExit((code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(null);
      const why = timedOut ? `killed after its timeout of ${run.timeoutMs} ms` : signal !== null ? `killed by ${signal}` : `exit ${code}`;
      run.log('warn', `${run.event} hook failed: ${why}`);
      resolve(`${run.event} hook failed: ${why}`);
    });
  });
}
