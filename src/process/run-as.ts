// How a command runs for a program (its hooks, its health exec): as the program itself runs,
// with its user and group, environment, cwd and umask.
import type { UnitSpec } from '../config/types.js';
import { buildChildEnv } from './child-env.js';
import type { SpawnRequest } from './spawner.js';
import { resolveIdentity } from './user.js';

export type CommandRequest = { ok: true; request: SpawnRequest } | { ok: false; reason: string };

/** A spawn request for `argv` run as the program's copy `index` runs; `extraEnv` goes on top of its environment. */
export function requestAsProgram(
  unit: UnitSpec,
  index: number,
  argv: readonly string[],
  baseEnv: Readonly<Record<string, string | undefined>>,
  extraEnv: Readonly<Record<string, string>> = {},
): CommandRequest {
  const myUid = process.getuid?.() ?? 0;
  const identity = resolveIdentity(unit.user, unit.group, myUid);
  if (!identity.ok) return identity;
  return {
    ok: true,
    request: {
      argv,
      cwd: unit.cwd,
      env: { ...buildChildEnv(unit, index, identity.user, baseEnv), ...extraEnv },
      umask: unit.umask,
      uid: identity.user === null || identity.user.uid === myUid ? null : identity.user.uid,
      gid: identity.gid === null || identity.gid === process.getgid?.() ? null : identity.gid,
    },
  };
}
