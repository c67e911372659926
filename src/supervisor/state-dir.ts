// The state dir holds what supd trusts: the socket, the pidfile and the children registry,
// whose pids a restarted supd kills. Another user able to write there could make a root supd
// kill any process (a forged registry) or overwrite any file (a symlink where supd writes),
// so supd keeps the dir to itself: made 0700, tightened to 0700 when it is supd's own, and
// refused when it is shared (another owner, or sticky like /tmp). A dir supd cannot create or
// write is a clear error naming the path, its owner and mode, never a stack trace.
import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SupdError } from '../errors.js';
import { findUser } from '../process/user.js';

export function secureStateDir(dir: string, warn: (message: string) => void): void {
  const myUid = process.getuid?.() ?? 0;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw cannotWrite(dir, 'cannot create the state dir', error);
  }
  const stat = statSync(dir);
  const mode = formatMode(stat.mode);
  if (stat.uid !== myUid) {
    throw new SupdError(
      'SUPD_E_UNSAFE_STATE_DIR',
      `the state dir ${dir} belongs to ${ownerName(stat.uid)}, mode ${mode}, not to ${ownerName(myUid)}, who runs supd: supd keeps its socket, pidfile and children registry in a dir of its own; run supd as ${ownerName(stat.uid, false)}, or set supervisor.state_dir to a directory of yours`,
    );
  }
  if ((stat.mode & 0o022) !== 0) {
    if ((stat.mode & 0o1000) !== 0) {
      throw new SupdError(
        'SUPD_E_UNSAFE_STATE_DIR',
        `the state dir ${dir} is writable by other users (mode ${mode}) and shared: another user could make supd kill processes or overwrite files there; set supervisor.state_dir to a directory of supd's own`,
      );
    }
    chmodSync(dir, 0o700);
    warn(`the state dir ${dir} was writable by other users (mode ${mode}): made 0700`);
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw cannotWrite(dir, 'cannot write in the state dir', error);
  }
}

/** A SupdError for a path supd cannot create or write, naming the path (or its nearest existing parent), owner and mode. */
export function cannotWrite(target: string, what: string, error: unknown): SupdError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  const where = describeNearest(target);
  const denied = code === 'EACCES' || code === 'EPERM';
  const message = `${what} ${target}: ${denied ? 'permission denied' : code} (${where}); supd runs as ${ownerName(process.getuid?.() ?? 0)}`;
  return new SupdError(denied ? 'SUPD_E_PERMISSION_DENIED' : 'SUPD_E_START_FAILED', message, { cause: error });
}

// The path, or the nearest parent that exists, with its owner and mode.
function describeNearest(target: string): string {
  for (let at = target; ; at = path.dirname(at)) {
    try {
      const stat = statSync(at);
      return `${at === target ? '' : `${at} `}owned by ${ownerName(stat.uid)}, mode ${formatMode(stat.mode)}`;
    } catch {
      if (at === path.dirname(at)) return 'no part of the path exists';
    }
  }
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function ownerName(uid: number, withUid = true): string {
  const name = findUser(uid)?.name;
  if (name === undefined) return `uid ${uid}`;
  return withUid ? `${name} (uid ${uid})` : name;
}
