// Who may use the control socket, and, on the client side, why one was turned away: a
// permission problem is not "no supervisor answers" (issue 14), so it says whose socket it is.
import { chmodSync, chownSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { findGroup, findUser } from '../process/user.js';

/** `permission denied on SOCKET: <the socket or the dir that refused> is owned by root:root, mode 0600 (...)`. */
export function describeAccessDenied(socketPath: string): string {
  const hint = 'run the command as its owner, or ask for [supervisor] socket_group (see docs/socket-access.md)';
  for (let target = socketPath; ; target = path.dirname(target)) {
    const stats = statOrNull(target);
    if (stats !== null) {
      const what = target === socketPath ? 'the socket' : `its directory ${target}`;
      return `permission denied on ${socketPath}: ${what} is owned by ${ownerOf(stats)}, mode ${modeOf(stats)}; ${hint}`;
    }
    if (path.dirname(target) === target) return `permission denied on ${socketPath}; ${hint}`;
  }
}

export function modeOf(stats: Pick<Stats, 'mode'>): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, '0');
}

function ownerOf(stats: Stats): string {
  return `${findUser(stats.uid)?.name ?? stats.uid}:${findGroup(stats.gid)?.name ?? stats.gid}`;
}

// The deepest part of the path this user can look at tells who keeps the others out.
function statOrNull(target: string): Stats | null {
  try {
    return statSync(target);
  } catch {
    return null;
  }
}

/** Who may use the socket, as the config says: a group (resolved to its gid) and a mode. */
export interface SocketAccess {
  readonly gid: number | null;
  readonly mode: number;
}

/** The socket's access from [supervisor], or why not: a socket_group that does not exist. */
export function resolveSocketAccess(group: string | number | null, mode: number): SocketAccess | { problem: string } {
  if (group === null) return { gid: null, mode };
  const entry = findGroup(group);
  return entry === null ? { problem: `no such group: ${group}` } : { gid: entry.gid, mode };
}

/**
 * Gives the socket its group and mode, and the state dir (when it holds the socket) 0750 with
 * that group, so the group's members can reach the socket and nobody else can.
 */
export function applySocketAccess(socketPath: string, stateDir: string, access: SocketAccess): void {
  const holdsSocket = path.dirname(socketPath) === stateDir;
  if (access.gid !== null) {
    chownSync(socketPath, -1, access.gid);
    if (holdsSocket) {
      chownSync(stateDir, -1, access.gid);
      chmodSync(stateDir, 0o750);
    }
  } else if (holdsSocket && (statSync(stateDir).mode & 0o077) !== 0) {
    chmodSync(stateDir, 0o700); // socket_group gone from the file: the group loses the dir too
  }
  chmodSync(socketPath, access.mode);
}
