// Keys the schema declares but whose behaviour is not built yet. Nothing is accepted and then
// ignored: `check`, `run` and `reload` refuse a file that sets one of these, so `ok` always
// means "supd will do all of this". Each entry goes when its behaviour lands.
import type { KeyProblem } from './normalize.js';
import type { RawTable } from './normalize-unit.js';

/** Process keys (in [defaults], programs and methods) not built yet. */
export const UNBUILT_PROCESS_KEYS: ReadonlySet<string> = new Set<string>();

/** Top-level tables and `[supervisor]` keys not built yet. */
export const UNBUILT_TOP_LEVEL: ReadonlySet<string> = new Set<string>();

export function findUnbuiltKeys(raw: RawTable): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const flag = (path: string): void => {
    problems.push({ path, message: 'not supported yet' });
  };
  const scan = (table: RawTable | undefined, prefix: string): void => {
    for (const key of Object.keys(table ?? {})) if (UNBUILT_PROCESS_KEYS.has(key)) flag(`${prefix}.${key}`);
  };
  for (const top of ['reports', 'alerts']) if (UNBUILT_TOP_LEVEL.has(top) && raw[top] !== undefined) flag(top);
  if (UNBUILT_TOP_LEVEL.has('supervisor.log') && raw.supervisor?.log !== undefined) flag('supervisor.log');
  scan(raw.defaults, 'defaults');
  for (const [name, program] of Object.entries<RawTable>(raw.programs ?? {})) {
    scan(program, `programs.${name}`);
    for (const [method, table] of Object.entries<RawTable>(program.methods ?? {})) scan(table, `programs.${name}.methods.${method}`);
  }
  return problems;
}
