// The hooks of one process (SPEC key `hooks`), run as the process itself would run (its user,
// cwd, environment) with the event in SUPD_EVENT, SUPD_NAME, SUPD_PID, SUPD_EXIT_CODE,
// SUPD_EXIT_SIGNAL and SUPD_RESTARTS.
import type { Logger } from '../logs/supd-log.js';
import { runHook, type HookEvent } from '../process/hooks.js';
import type { ManagedProcess } from '../process/managed-process.js';
import { requestAsProgram } from '../process/run-as.js';

const HOOK_KEYS = { before_start: 'beforeStart', after_start: 'afterStart', after_exit: 'afterExit', on_fatal: 'onFatal' } as const;

export interface HookFacts {
  readonly pid: number | null;
  readonly code: number | null;
  readonly signal: string | null;
}

/** Runs the process's hook for `event` if it has one; null when it passed (or there is none). */
export function runProcessHook(proc: ManagedProcess, event: HookEvent, facts: HookFacts, log: Logger, baseEnv: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  const hooks = proc.unit.hooks;
  const argv = hooks?.[HOOK_KEYS[event]] ?? null;
  if (hooks === null || argv === null) return Promise.resolve(null);
  const command = requestAsProgram(proc.unit, proc.index, argv, baseEnv, {
    SUPD_EVENT: event,
    SUPD_PID: facts.pid === null ? '' : String(facts.pid),
    SUPD_EXIT_CODE: facts.code === null ? '' : String(facts.code),
    SUPD_EXIT_SIGNAL: facts.signal ?? '',
    SUPD_RESTARTS: String(proc.restarts),
  });
  if (!command.ok) return Promise.resolve(`${event} hook: ${command.reason}`);
  return runHook({
    event,
    timeoutMs: hooks.timeoutMs,
    log: (level, message) => log[level](message, proc.name),
    request: command.request,
  });
}
