// Where the FIFOs for children's output are made: on a tmpfs when there is one of supd's own.
// Making a FIFO on ext4 is a journaled mknod (and its removal another): 512 of them took 0.50 s
// here, against 0.01 s on tmpfs, and that cost came back at every start of a program (200
// programs started 0.5 s later than with socketpairs under load). The first of these on a
// tmpfs wins, else the state dir:
//   <state_dir>/stdio                    the state dir itself is on a tmpfs
//   /run/supd/<key>                      root, /run a tmpfs (systemd)
//   $XDG_RUNTIME_DIR/supd/<key>          another user with a runtime dir
//   /dev/shm/supd-<uid>/<key>            a dir of supd's own in the shared /dev/shm
// <key> names the state dir, so a supd restarted on it finds (and sweeps) what a killed one
// left; what a killed supd left for a state dir that is gone since (a test's temp dir) is swept
// by the next supd that uses the same place. A dir supd did not make itself (another owner, a
// symlink, open to others) is not used.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../text/sha256.js';

const TMPFS_MAGIC = 0x01021994;

export function pickFifoDir(stateDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.geteuid?.() ?? 0;
  const key = sha256Hex(path.resolve(stateDir)).slice(0, 16);
  const candidates: Array<[base: string, dir: string]> = [[stateDir, path.join(stateDir, 'stdio')]];
  if (uid === 0) candidates.push(['/run', path.join('/run', 'supd', key)]);
  if (env.XDG_RUNTIME_DIR !== undefined && path.isAbsolute(env.XDG_RUNTIME_DIR)) candidates.push([env.XDG_RUNTIME_DIR, path.join(env.XDG_RUNTIME_DIR, 'supd', key)]);
  candidates.push(['/dev/shm', path.join('/dev/shm', `supd-${uid}`, key)]);
  for (const [base, dir] of candidates) {
    if (base === stateDir) {
      if (isTmpfs(base)) return dir;
    } else if (isTmpfs(base) && makePrivateDir(path.dirname(dir), uid)) {
      sweepOrphans(path.dirname(dir), Date.now());
      return dir;
    }
  }
  return path.join(stateDir, 'stdio');
}

/** Records which state dir a FIFO dir in a shared place serves (once the pool made it). */
export function markFifoDir(dir: string, stateDir: string): void {
  if (path.dirname(dir) !== path.resolve(stateDir)) writeFileSync(path.join(dir, STATE_MARK), path.resolve(stateDir), { mode: 0o600 });
}

const STATE_MARK = '.state-dir';
/** Younger FIFO dirs may be a supd starting right now, not yet marked. */
const SWEEP_AFTER_MS = 60_000;

// FIFO dirs whose state dir is gone: their supd was killed and nobody will start on them again.
function sweepOrphans(parent: string, now: number): void {
  for (const name of readdirSync(parent)) {
    const dir = path.join(parent, name);
    try {
      if (now - lstatSync(dir).mtimeMs < SWEEP_AFTER_MS) continue;
      const mark = path.join(dir, STATE_MARK);
      if (existsSync(mark) && existsSync(readFileSync(mark, 'utf8'))) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // gone meanwhile
    }
  }
}

function isTmpfs(dir: string): boolean {
  try {
    return statfsSync(dir).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}

// The parent of the FIFO dirs: made 0700 by supd, or found so (a real dir, supd's, closed to others).
function makePrivateDir(dir: string, uid: number): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}
