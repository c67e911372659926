// essential = true (SPEC section 7): when such a program's process ends for good (`exited`: its
// restart policy says no more; `fatal`: supd gave up), supd stops everything and exits with
// that process's code, so `docker run` and Kubernetes see the failure.
import { constants } from 'node:os';
import type { LastExit } from '../process/managed-process.js';
import type { SupervisorView } from './view.js';

/** The exit code supd takes from an essential process that ended: its own, or 128 + the signal's number. */
export function essentialExitCode(exit: LastExit | null, state: 'exited' | 'fatal'): number {
  if (exit?.signal != null) return 128 + (constants.signals[exit.signal] ?? 0);
  const code = exit?.code ?? null;
  // A fatal start that never ran (no code), or one that "succeeded" by daemonizing itself, is a failure.
  if (code === null || (state === 'fatal' && code === 0)) return 1;
  return code;
}

/** Calls `end` once, the first time an essential process ends for good while supd is not shutting down. */
export function watchEssential(supervisor: Pick<SupervisorView, 'events' | 'isShuttingDown' | 'get'>, end: (code: number, why: string) => void): void {
  let ended = false;
  supervisor.events.on('process:state', ({ name, to }) => {
    if (ended || supervisor.isShuttingDown || (to !== 'exited' && to !== 'fatal')) return;
    const proc = supervisor.get(name);
    if (proc === undefined || !proc.unit.essential) return;
    ended = true;
    const code = essentialExitCode(proc.lastExit, to);
    const how = proc.lastExit?.signal != null ? `was killed by ${proc.lastExit.signal}` : to === 'fatal' ? `is fatal (${proc.reason ?? 'gave up'})` : `exited with code ${proc.lastExit?.code}`;
    end(code, `essential program ${name} ${how} (supd exits ${code})`);
  });
}
