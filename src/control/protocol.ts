// The control protocol, shared by both ends: one JSON object per line (NDJSON) each way over
// the Unix socket. A request carries an id; its response (or, for streams, its frames) carry
// the same id. Error codes are SupdError codes, unchanged.
import type { ConfigIssue, ErrorCode } from '../errors.js';

/** A request over this size closes the connection with an error (a guard against floods). */
export const MAX_REQUEST_BYTES = 1024 * 1024;

export interface WaitOptions {
  /** Wait until done (default true); false = answer once the command is applied. */
  readonly wait?: boolean;
  readonly timeoutMs?: number;
}

export type Request =
  | { readonly id: number; readonly cmd: 'ping' }
  | { readonly id: number; readonly cmd: 'status'; readonly targets?: readonly string[] }
  | ({ readonly id: number; readonly cmd: 'start' | 'stop' | 'restart'; readonly targets: readonly string[] } & WaitOptions)
  | { readonly id: number; readonly cmd: 'signal'; readonly signal: string; readonly targets: readonly string[]; readonly group?: boolean }
  | ({ readonly id: number; readonly cmd: 'scale'; readonly unit: string; readonly count: number } & WaitOptions)
  | {
      readonly id: number;
      readonly cmd: 'logs';
      readonly targets?: readonly string[];
      readonly lines?: number;
      readonly follow?: boolean;
      readonly stderr?: boolean;
      /** Epoch ms: only lines from then on (--since). */
      readonly sinceMs?: number;
      /** A regular expression: only lines it matches (--grep). */
      readonly grep?: string;
      /** Truncate the targets' current log files instead (--clear). */
      readonly clear?: boolean;
    }
  | { readonly id: number; readonly cmd: 'reload'; readonly dryRun?: boolean }
  | { readonly id: number; readonly cmd: 'report'; readonly name?: string; readonly send?: boolean }
  | { readonly id: number; readonly cmd: 'describe'; readonly targets: readonly string[] }
  | { readonly id: number; readonly cmd: 'shutdown' }
  | { readonly id: number; readonly cmd: 'dashboard' };

export type Command = Request['cmd'];

/** One process as `supd status --json` shows it (SPEC section 5); fields may be added, never renamed. */
export interface ProcessStatus {
  readonly name: string;
  readonly program: string;
  readonly method: string | null;
  readonly index: number;
  readonly state: string;
  readonly pid: number | null;
  readonly uptime_s: number | null;
  readonly restarts: number;
  readonly exit_code: number | null;
  readonly exit_signal: string | null;
  /** RSS of the process and its descendants (shared pages counted in each). */
  readonly rss_bytes: number | null;
  /** PSS of the same tree (shared pages split among the processes that map them): the `memory` of status and max_memory. */
  readonly pss_bytes: number | null;
  readonly healthy: boolean | null;
  readonly next_run: string | null;
  /** Extra: when the last exit happened (ISO-8601 UTC), or null. */
  readonly last_exit_at: string | null;
  /** Extra: a scheduled program's last run, how long it took (its exit is exit_code / exit_signal). */
  readonly last_run_ms: number | null;
  /** Extra: why the process is in its state, when not obvious (a failed start, fatal). */
  readonly reason: string | null;
  /** Extra: what supd wants of it. */
  readonly wanted: 'up' | 'down';
  /** Extra: restarts because a watched file changed (part of `restarts`). */
  readonly watch_restarts: number;
}

export interface StatusReport {
  readonly supervisor: { readonly pid: number; readonly version: string; readonly config: string; readonly uptime_s: number };
  readonly processes: readonly ProcessStatus[];
}

/** Per-process outcome of a command that changes things. */
export interface ProcessOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly state: string;
  readonly message?: string;
  /** Why a process the command did not name is here: `depends on postgres`. */
  readonly note?: string;
}

export interface CommandResult {
  readonly outcomes: readonly ProcessOutcome[];
  /** Free-form lines to print (scale, reload). */
  readonly lines?: readonly string[];
  /** Lines to print as warnings (reload: [supervisor] keys that cannot change live). */
  readonly warnings?: readonly string[];
}

/** `supd report [name] [--send]`: each report's text, and with --send whether its server accepted it. */
export interface ReportOutcome {
  readonly name: string;
  readonly text: string;
  readonly sent?: { readonly ok: boolean; readonly message: string };
}

export interface ReportResult {
  readonly reports: readonly ReportOutcome[];
}

/** `supd describe`: one process's whole record. */
export interface DescribeRecord {
  readonly process: ProcessStatus;
  /** The unit's config after defaults, in the config's words (env values hidden). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The last state moves, oldest first (ISO-8601 UTC times). */
  readonly states: readonly { readonly at: string; readonly from: string; readonly to: string; readonly reason: string | null }[];
  /** The last exits, oldest first. */
  readonly exits: readonly { readonly at: string; readonly pid: number; readonly code: number | null; readonly signal: string | null; readonly uptime_s: number }[];
  /** The live log files ("merge": stderr goes to stdout's; null: not kept). */
  readonly logs: { readonly stdout: string | null; readonly stderr: string | null };
}

/** `supd dashboard`: the login URL of the HTTP listener (SPEC section 9). */
export interface DashboardResult {
  readonly url: string;
}

export interface DescribeResult {
  readonly records: readonly DescribeRecord[];
}

/** Why a parsed request cannot be taken as it is (a field of the wrong type), or null. */
export function requestProblem(request: Readonly<Record<string, unknown>>): string | null {
  const { targets } = request;
  if (targets !== undefined && (!Array.isArray(targets) || targets.some((t) => typeof t !== 'string'))) {
    return `"targets" must be an array of strings, not ${JSON.stringify(targets)}`;
  }
  for (const key of ['unit', 'signal', 'name'] as const) {
    if (request[key] !== undefined && typeof request[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['count', 'lines', 'timeoutMs'] as const) {
    if (request[key] !== undefined && typeof request[key] !== 'number') return `"${key}" must be a number`;
  }
  return null;
}

export type Response =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly code: ErrorCode; readonly message: string; readonly issues?: readonly ConfigIssue[] };
    };

/** One frame of a streamed response (`logs`): any number come on the request's id before its Response. */
export interface Frame {
  readonly id: number;
  readonly frame: unknown;
}

/** What the server sends: frames of streamed responses, and responses. */
export type ServerMessage = Response | Frame;

/** The frames of a `logs` response: first `start`, then `text` (whole lines, for one process at a time). */
export type LogsFrame =
  | { readonly kind: 'start'; readonly names: readonly string[]; readonly missing: readonly { readonly name: string; readonly reason: string }[] }
  | { readonly kind: 'text'; readonly name: string; readonly text: string }
  /** A follower skipped what it could not read (bytes null when not known): never silence. */
  | { readonly kind: 'gap'; readonly name: string; readonly bytes: number | null; readonly reason: string };
