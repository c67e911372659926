// SPEC section 5: 0 done; 1 failed; 2 usage error or invalid config; 3 no supervisor answers.
// Each error code's exit is in the one registry, src/errors.ts.
import { ERROR_CODES, isKnownCode } from '../errors.js';

export { isKnownCode };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_NO_SUPERVISOR = 3;

/** The exit for an error code; one this client does not know is a failure (1), never 0. */
export function exitCodeFor(code: string): number {
  return isKnownCode(code) ? ERROR_CODES[code].exit : EXIT_FAILED;
}
