// What a command says beyond "done": why a process it did not name was stopped with the others
// (`depends on postgres`), which dependents a start leaves stopped, and, when --timeout runs
// out, what each process still waits for. Read-only over the processes.
import { formatDuration } from '../config/units.js';
import type { ManagedProcess } from '../process/managed-process.js';
import { dependenciesOf, type DependencyGraph } from './dependencies.js';
import type { WaitOutcome } from './wait.js';

/** The programs of `among` that `proc` depends on (directly or not): `depends on postgres`. */
export function dependsNote(graph: DependencyGraph, proc: ManagedProcess, among: ReadonlySet<string>): string {
  return `depends on ${dependenciesOf(graph, proc.unit.program).filter((p) => among.has(p)).join(', ')}`;
}

/** After starting `programs`: their dependents that stay stopped because nobody asked for them. */
export function dependentsLeftDown(graph: DependencyGraph, programs: ReadonlySet<string>, list: readonly ManagedProcess[]): WaitOutcome[] {
  return list
    .filter((p) => !programs.has(p.unit.program) && p.wanted === 'down' && (p.state === 'stopped' || p.state === 'exited' || p.state === 'fatal'))
    .filter((p) => dependenciesOf(graph, p.unit.program).some((d) => programs.has(d)))
    .map((p) => ({ name: p.name, ok: true, state: p.state, note: `${dependsNote(graph, p, programs)}; stays stopped: supd start ${p.unit.name}` }));
}

/** What a process that is not where a command wanted it yet is waiting for. */
export function explainWait(proc: ManagedProcess, list: readonly ManagedProcess[], now: number): string {
  const { unit } = proc;
  switch (proc.state) {
    case 'starting': {
      if (proc.spawning) return 'being spawned';
      if (proc.pid === null) return 'its before_start hook is still running';
      if (unit.ready !== null) return `waiting for ready ${unit.ready.kind} ${String(unit.ready.target)} (ready timeout ${formatDuration(unit.ready.timeoutMs)})`;
      const up = proc.startedAt === null ? 0 : now - proc.startedAt;
      return `up ${formatDuration(up)} of start_secs ${formatDuration(unit.startSecsMs)}`;
    }
    case 'stopped': {
      const blocking = list.filter((p) => unit.dependsOn.includes(p.unit.program) && p.state !== 'running' && p.state !== 'waiting');
      if (blocking.length === 0) return proc.reason ?? 'not started';
      const states = blocking.map((p) => `${p.name} is ${p.state}${p.reason === null ? '' : ` (${p.reason})`}`);
      return `${proc.reason ?? 'held back by depends_on'}: ${states.join(', ')}`;
    }
    case 'stopping':
      if (proc.spawning) return 'being spawned; it is stopped once it is there';
      return `sent ${unit.stopSignal}; SIGKILL comes after stop_timeout ${formatDuration(unit.stopTimeoutMs)}`;
    default:
      return proc.reason ?? `it is ${proc.state}`;
  }
}
