// SPEC section 5: 0 done; 1 failed; 2 usage error or invalid config; 3 no supervisor answers.
import type { ErrorCode } from '../errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NO_SUPERVISOR = 3;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  SUPD_E_USAGE: EXIT_USAGE,
  SUPD_E_CONFIG_INVALID: EXIT_USAGE,
  SUPD_E_CONFIG_UNREADABLE: EXIT_USAGE,
  SUPD_E_SOCKET_PATH: EXIT_USAGE,
  SUPD_E_NOT_RUNNING: EXIT_NO_SUPERVISOR,
  SUPD_E_NO_SUCH_PROCESS: EXIT_FAILED,
  SUPD_E_NO_SUCH_REPORT: EXIT_FAILED,
  SUPD_E_ALREADY_RUNNING: EXIT_FAILED,
  SUPD_E_UNSAFE_STATE_DIR: EXIT_FAILED,
  SUPD_E_START_FAILED: EXIT_FAILED,
  SUPD_E_STOP_FAILED: EXIT_FAILED,
  SUPD_E_TIMEOUT: EXIT_FAILED,
  SUPD_E_PROTOCOL: EXIT_FAILED,
  SUPD_E_RELOAD_REFUSED: EXIT_USAGE,
  SUPD_E_PERMISSION_DENIED: EXIT_FAILED,
  SUPD_E_INTERNAL: EXIT_FAILED,
};

/** Whether a code is one this client knows (a newer supd may answer with one it does not). */
export function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(EXIT_BY_CODE, code);
}

/** The exit for an error code; one this client does not know is a failure (1), never 0. */
export function exitCodeFor(code: string): number {
  return isKnownCode(code) ? EXIT_BY_CODE[code] : EXIT_FAILED;
}
