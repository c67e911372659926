// supd as PID 1 (a container, `unshare --pid --fork`). Orphans of every process in the PID
// namespace are re-parented to PID 1, and only PID 1 can reap them; Node waits only for the
// children it spawned (libuv calls waitpid(pid), never waitpid(-1)), and Node 20 cannot exec
// another program in its place. So when supd finds itself PID 1 and tini is installed, it stays
// a thin PID 1 that starts `tini -s -- supd run ...` and passes signals to it: tini, a child
// subreaper (PR_SET_CHILD_SUBREAPER), receives every orphan of supd's descendants and reaps
// it, passes each signal to supd alone (not its programs: supd stops those itself, in order),
// and exits with supd's code (128 + n when supd dies by signal n). Where tini is missing,
// supd runs as PID 1 itself and says once at start how to get a reaper.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';

const REAPERS = ['tini', 'tini-static'];
/** The signals PID 1 passes on: those supd acts on, and those it logs as ignored. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT', 'SIGWINCH'];
/** Set to 1 to keep supd itself as PID 1, without a reaper (it still warns). */
export const NO_REAPER_ENV = 'SUPD_NO_REAPER';

/** tini on PATH (or in /usr/bin, /sbin), or null. */
export function findReaper(pathVar: string | undefined): string | null {
  const dirs = [...(pathVar ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/local/bin', '/sbin', '/bin'];
  for (const name of REAPERS) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        continue;
      }
    }
  }
  return null;
}

/** Whether this supd is PID 1 and should hand the reaping to a reaper: the reaper's path, or null. */
export function reaperToUse(env: NodeJS.ProcessEnv): string | null {
  if (process.pid !== 1 || env[NO_REAPER_ENV] === '1') return null;
  return findReaper(env.PATH);
}

/** What supd as PID 1 without a reaper says at start, once. */
export function noReaperWarning(env: NodeJS.ProcessEnv): string | null {
  if (process.pid !== 1) return null;
  const why = env[NO_REAPER_ENV] === '1' ? `${NO_REAPER_ENV}=1` : 'no tini found';
  return `supd is PID 1 without a reaper (${why}): orphaned processes that end stay zombies (Node reaps only its own children). Install tini in the image (Debian: apt-get install tini; supd then uses it by itself), or give the container an init: docker run --init, compose init: true`;
}

/** Runs this same supd command under `reaper -s` and returns the code to exit with. */
export function runUnderReaper(reaper: string, env: NodeJS.ProcessEnv): Promise<number> {
  const argv = ['-s', '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawn(reaper, argv, { stdio: 'inherit', env });
  for (const signal of FORWARDED) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`supd: cannot start ${reaper}: ${error.message}\n`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(signal === null ? (code ?? 1) : 128 + (osConstants.signals[signal] ?? 0)));
  });
}
