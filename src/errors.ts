/** Stable error codes: they cross the control socket unchanged and map to exit codes in one table (cli/exit-codes.ts). */
export type ErrorCode =
  | 'SUPD_E_USAGE'
  | 'SUPD_E_CONFIG_INVALID'
  | 'SUPD_E_CONFIG_UNREADABLE'
  | 'SUPD_E_NO_SUCH_PROCESS'
  | 'SUPD_E_NO_SUCH_REPORT'
  | 'SUPD_E_NOT_RUNNING'
  | 'SUPD_E_ALREADY_RUNNING'
  | 'SUPD_E_UNSAFE_STATE_DIR'
  | 'SUPD_E_START_FAILED'
  | 'SUPD_E_STOP_FAILED'
  | 'SUPD_E_TIMEOUT'
  | 'SUPD_E_SOCKET_PATH'
  | 'SUPD_E_PROTOCOL'
  | 'SUPD_E_RELOAD_REFUSED'
  | 'SUPD_E_PERMISSION_DENIED'
  | 'SUPD_E_INTERNAL';

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
