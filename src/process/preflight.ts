// `supd check`'s warnings: what will fail at start and can be known now, from this machine as
// it is (users, groups, files): a user or group that does not exist, another user when supd
// will not run as root, a command not on the child's PATH or not executable by its user, a
// cwd that does not exist. Warnings, not errors: the machine may change before supd starts.
import { statSync, type Stats } from 'node:fs';
import { unitPath } from '../config/checks.js';
import type { KeyProblem } from '../config/normalize.js';
import { unitForCopy } from '../config/per-copy.js';
import type { SupdConfig, UnitSpec } from '../config/types.js';
import { buildChildEnv } from './child-env.js';
import { accessorFor } from './exec-access.js';
import { resolveExecutable } from './spawner.js';
import { resolveIdentity } from './user.js';

export function findStartProblems(config: SupdConfig, baseEnv: Readonly<Record<string, string | undefined>>, myUid: number): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const seen = new Set<string>();
  const add = (path: string, message: string): void => {
    const key = `${path}\0${message}`;
    if (!seen.has(key) && seen.add(key)) problems.push({ path, message });
  };
  for (const unit of config.units) {
    for (let index = 0; index < Math.max(1, unit.processes); index++) checkCopy(unitForCopy(unit, index), index, baseEnv, myUid, add);
  }
  return problems;
}

function checkCopy(unit: UnitSpec, index: number, baseEnv: Readonly<Record<string, string | undefined>>, myUid: number, add: (path: string, message: string) => void): void {
  const at = unitPath(unit);
  const identity = resolveIdentity(unit.user, unit.group, myUid);
  if (!identity.ok) {
    const onGroup = unit.user === null || identity.reason.startsWith('no such group');
    add(`${at}.${onGroup ? 'group' : 'user'}`, myUid === 0 ? identity.reason : `${identity.reason} (supd will run as you)`);
    return;
  }
  const env = buildChildEnv(unit, index, identity.user, baseEnv);
  const switching = identity.user !== null && identity.user.uid !== myUid;
  const who = switching ? accessorFor(identity.user!.uid, identity.gid) : null;
  const cwd = statOrNull(unit.cwd);
  if (cwd === null) add(`${at}.cwd`, `does not exist: ${unit.cwd}`);
  else if (!cwd.isDirectory()) add(`${at}.cwd`, `is not a directory: ${unit.cwd}`);
  const resolved = resolveExecutable(unit.argv[0]!, unit.cwd, env.PATH, who);
  if (!resolved.ok) add(`${at}.command`, who === null ? resolved.reason : `${resolved.reason} (as ${who.name}${unit.argv[0]!.includes('/') ? '' : ', on its PATH'})`);
}


function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}
