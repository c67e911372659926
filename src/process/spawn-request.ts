// What a copy's spawn asks of the spawner, made from its unit: the user and group it switches
// to, the limits run in front of it, its environment, its notification fd and held sockets.
import type { UnitSpec } from '../config/types.js';
import type { ProcessHost } from './lifecycle-host.js';
import { limitsPrefix } from './limits.js';
import type { SpawnRequest } from './spawner.js';

export type MadeRequest = { ok: true; request: SpawnRequest } | { ok: false; reason: string };

export function spawnRequestFor(unit: UnitSpec, index: number, host: Pick<ProcessHost, 'resolveIdentity' | 'buildEnv' | 'socketFds'>): MadeRequest {
  const identity = host.resolveIdentity(unit);
  if (!identity.ok) return identity;
  const notifyFd = unit.ready?.kind === 'fd' ? Number(unit.ready.target) : null;
  const prefix = limitsPrefix(unit);
  if (!prefix.ok) return prefix;
  const env = host.buildEnv(unit, index, identity.user);
  if (notifyFd !== null) env.SUPD_NOTIFY_FD = String(notifyFd);
  const request: SpawnRequest = {
    argv: unit.argv,
    cwd: unit.cwd,
    env,
    umask: unit.umask,
    mergeStderr: unit.stderr === 'merge',
    // Switched only to another user or group than supd's own.
    uid: identity.user === null || identity.user.uid === process.getuid?.() ? null : identity.user.uid,
    gid: identity.gid === null || identity.gid === process.getgid?.() ? null : identity.gid,
    extraFds: notifyFd === null ? [] : [notifyFd],
    prefix: prefix.argv,
    listenFds: host.socketFds?.(unit) ?? [],
  };
  return { ok: true, request };
}
