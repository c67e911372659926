// Can supd write where the config sends logs? Checked before `check` says ok, before `run`
// starts anything and before a reload applies, so output is never dropped without a sign.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { KeyProblem } from '../config/normalize.js';
import { unitForCopy } from '../config/per-copy.js';
import type { SupdConfig, UnitSpec } from '../config/types.js';

/** A log location supd cannot write: the config key, the path and why. */
export type LogProblem = KeyProblem;

/** Every log file of the config (supd.log included) that supd could not create or append to. */
export function findUnwritableLogs(config: SupdConfig): LogProblem[] {
  const problems: LogProblem[] = [];
  const seen = new Set<string>();
  const check = (key: string, file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const why = whyUnwritable(file);
    if (why !== null) problems.push({ path: key, message: `cannot write the log file ${file}: ${why}` });
  };
  check('supervisor.log_dir', path.join(config.supervisor.logDir, 'supd.log'));
  for (const unit of config.units) {
    for (let index = 0; index < Math.max(unit.processes, 1); index++) {
      const copy = unitForCopy(unit, index);
      if (copy.stdout !== null) check(`${unitKey(unit)}.stdout`, copy.stdout.file);
      if (copy.stderr !== null && copy.stderr !== 'merge') check(`${unitKey(unit)}.stderr`, copy.stderr.file);
    }
  }
  return problems;
}

/** Why supd cannot append to `file` (creating it and its directories), or null if it can. */
export function whyUnwritable(file: string): string | null {
  const existing = statOf(file);
  if (typeof existing === 'string') return existing;
  if (existing !== null) return existing.isDirectory() ? 'it is a directory' : denied(file, constants.W_OK, existing);
  // The nearest directory that exists must let us create what is missing below it.
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const stats = statOf(dir);
    if (typeof stats === 'string') return stats;
    if (stats !== null) return stats.isDirectory() ? denied(dir, constants.W_OK | constants.X_OK, stats) : `${dir} is not a directory`;
    if (path.dirname(dir) === dir) return `${dir} does not exist`;
  }
}

function denied(target: string, mode: number, stats: Stats): string | null {
  try {
    accessSync(target, mode);
    return null;
  } catch (error) {
    return `${describeError(error)} on ${target} (owner uid ${stats.uid}, mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')})`;
  }
}

// Stats, null when it is not there (or a part of the path is a file: the walk up finds it), or why it cannot be looked at.
function statOf(target: string): Stats | null | string {
  try {
    return statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : `${describeError(error)} on ${target}`;
  }
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' ? 'permission denied (EACCES)' : code === 'EROFS' ? 'read-only file system (EROFS)' : (code ?? String(error));
}

function unitKey(unit: UnitSpec): string {
  return unit.method === null ? `programs.${unit.program}` : `programs.${unit.program}.methods.${unit.method}`;
}
