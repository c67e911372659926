// Reloads that would do harm are refused before anything changes: a file with no programs
// while programs run (an editor's truncate-then-write caught by a SIGHUP), or log locations
// supd cannot write (the output would be dropped). Pure: the caller finds the log problems.
import type { KeyProblem } from '../config/normalize.js';
import type { SupdConfig } from '../config/types.js';
import { SupdError, type ConfigIssue } from '../errors.js';


/** The refusal for this reload, or null when it may apply. */
export function refuseReload(next: SupdConfig, programsRun: boolean, logProblems: readonly KeyProblem[]): SupdError | null {
  if (next.units.length === 0 && programsRun) {
    return new SupdError('SUPD_E_RELOAD_REFUSED', 'reload refused: the file has no programs; supd shutdown stops everything');
  }
  if (logProblems.length > 0) {
    const noun = logProblems.length === 1 ? 'a log location' : `${logProblems.length} log locations`;
    const message = `reload refused: ${noun} supd cannot write; the old log locations stay`;
    // The refusal first, then each place: the CLI prints the issues of an error, not its message.
    const issues: ConfigIssue[] = [{ file: next.file, message }, ...logProblems.map((p) => ({ file: next.file, path: p.path, message: p.message }))];
    return new SupdError('SUPD_E_RELOAD_REFUSED', message, { issues });
  }
  return null;
}
