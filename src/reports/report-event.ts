// What happened, as reports and alerts tell it: a crash with its exit, a process given up on,
// a failed health check, a restart for memory, a crash loop, a reload. Pure translations from
// supervisor events.
import { formatDuration } from '../config/units.js';

export type ReportEventKind = 'crash' | 'fatal' | 'unhealthy' | 'memory' | 'crash_loop' | 'log_error' | 'reload';

/** The kinds that mean something went wrong (a reload does not). */
export const PROBLEM_KINDS: ReadonlySet<ReportEventKind> = new Set(['crash', 'fatal', 'unhealthy', 'memory', 'crash_loop', 'log_error']);

export interface ReportEvent {
  /** When it happened (ms since the epoch). */
  readonly at: number;
  readonly kind: ReportEventKind;
  /** The process, or null for what concerns supd as a whole (a reload). */
  readonly name: string | null;
  /** One line: `exit 1 after 2.1s`, the reason for fatal, the reload's changes. */
  readonly detail: string;
}

export interface ExitFacts {
  readonly code: number | null;
  readonly signal: string | null;
  readonly uptimeMs: number;
}

// An exit supd did not ask for (no stop in progress) that is not a success exit code: a crash.
export function describeCrash(exit: ExitFacts, wasStopping: boolean, successExitCodes: readonly number[]): string | null {
  if (wasStopping) return null;
  if (exit.signal === null && exit.code !== null && successExitCodes.includes(exit.code)) return null;
  const how = exit.signal !== null ? `killed by ${exit.signal}` : `exit ${exit.code ?? '?'}`;
  return `${how} after ${formatDuration(exit.uptimeMs)}`;
}

// A reload's lines without the `unchanged` ones: `changed b (restarted 1); added d`.
export function describeReload(lines: readonly string[]): string {
  const changes = lines.filter((line) => !line.startsWith('unchanged '));
  return changes.length === 0 ? 'config reloaded, nothing changed' : `config reloaded: ${changes.join('; ')}`;
}

/** The label a person reads for a kind: `crash loop` rather than `crash_loop`. */
export function kindLabel(kind: ReportEventKind): string {
  return kind === 'crash_loop' ? 'crash loop' : kind === 'memory' ? 'memory restart' : kind === 'log_error' ? 'log error' : kind;
}
