/**
 * Every error code supd answers with, its exit status (SPEC section 5: 1 failed, 2 usage error
 * or invalid config, 3 no supervisor answers) and what it means. Codes cross the control
 * socket unchanged; docs/errors.md lists them, and a test holds the two together and checks
 * that each code is raised somewhere.
 */
export const ERROR_CODES = {
  SUPD_E_USAGE: { exit: 2, meaning: 'the command line or a request is not one supd takes: an unknown verb or option, a missing target, a bad count or signal' },
  SUPD_E_CONFIG_INVALID: { exit: 2, meaning: 'the config file has errors (each with its place); nothing was started or changed' },
  SUPD_E_CONFIG_UNREADABLE: { exit: 2, meaning: 'the config file cannot be read (missing, a directory, no permission)' },
  SUPD_E_SOCKET_PATH: { exit: 2, meaning: 'the control socket path is too long for the system (about 107 bytes): set supervisor.socket' },
  SUPD_E_RELOAD_REFUSED: { exit: 2, meaning: 'a reload that would lose something was refused, nothing changed (no programs left, a log location supd cannot write)' },
  SUPD_E_NOT_RUNNING: { exit: 3, meaning: 'no supervisor answers on the control socket' },
  SUPD_E_NO_SUCH_PROCESS: { exit: 1, meaning: 'a target matched no process' },
  SUPD_E_NO_SUCH_REPORT: { exit: 1, meaning: 'no report of that name in [reports]' },
  SUPD_E_ALREADY_RUNNING: { exit: 1, meaning: 'another supd already runs on this state dir (its pidfile names a live supd)' },
  SUPD_E_UNSAFE_STATE_DIR: { exit: 1, meaning: 'the state dir is shared with other users (writable by them, or sticky like /tmp) or owned by another user, whatever its mode: supd refuses to keep its socket and children registry there' },
  SUPD_E_PERMISSION_DENIED: { exit: 1, meaning: 'the control socket or state dir is not this user\'s to use, or supd may not create or write its state dir or pidfile (the path, its owner and mode are named)' },
  SUPD_E_START_FAILED: { exit: 1, meaning: 'supd run could not start with this config (a log location or user it cannot use)' },
  SUPD_E_PROTOCOL: { exit: 1, meaning: 'a request or answer on the control socket was malformed, or carried a code this side does not know' },
  SUPD_E_INTERNAL: { exit: 1, meaning: 'a bug in supd: the message says where; please report it' },
} as const satisfies Record<string, { readonly exit: 1 | 2 | 3; readonly meaning: string }>;

/** Stable error codes: they cross the control socket unchanged. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether a code is one this side knows (a newer supd may answer with one it does not). */
export function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** One problem in a config file, with its place: `file:line:col: message` or `file: key.path: message (line N)`. */
export interface ConfigIssue {
  readonly file: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

export class SupdError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly ConfigIssue[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; issues?: readonly ConfigIssue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SupdError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}

export function isSupdError(value: unknown): value is SupdError {
  return value instanceof SupdError;
}

/** The one-line form of a config issue that every command prints. */
export function formatIssue(issue: ConfigIssue): string {
  if (issue.path === undefined) {
    const place = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
    return `${place}: ${issue.message}`;
  }
  const where = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${issue.file}: ${issue.path}: ${issue.message}${where}`;
}

/** What a person reads for an error, one line each: every config issue in its place, or else the message (after `prefix`). */
export function errorLines(error: SupdError, prefix = ''): string[] {
  return error.issues.length > 0 ? error.issues.map(formatIssue) : [`${prefix}${error.message}`];
}
