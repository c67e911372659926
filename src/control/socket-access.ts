// Who may use the control socket, and, on the client side, why one was turned away: a
// permission problem is not "no supervisor answers" (issue 14), so it says whose socket it is.
import { statSync, type Stats } from 'node:fs';
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
