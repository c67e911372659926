// The guardian: a tiny awk process that outlives supd. supd tells it each child's process
// group as it starts ("+ PGID") and ends ("- PGID"); when supd dies, even by SIGKILL, the
// pipe closes, awk reaches END and kills every group still listed, grandchildren included.
// awk reads its input buffered and forks nothing per message, so a crash storm costs little.
// With cgroups (copy-tracker.ts) it also runs `final`, a command that empties every cgroup of
// this supd: a process that left its group with setsid is still in its cgroup.
import { spawn, type ChildProcess } from 'node:child_process';

const PROGRAM = '$1=="+"{g[$2]=1;next} $1=="-"{delete g[$2];next} $1=="x"{final="";next} END{s="";for(p in g)s=s" -"p;if(s!="")system("kill -KILL"s" 2>/dev/null");if(final!="")system(final)}';

export interface Guardian {
  readonly pid: number | null;
  watch(pgid: number): void;
  forget(pgid: number): void;
  /** Normal shutdown: every group is gone already; let the guardian end quietly. */
  close(): void;
}

export function startGuardian(final: string | null = null): Guardian {
  let child: ChildProcess | null = null;
  try {
    // awk's -v turns backslash escapes; the command has none but those it means.
    // Nothing of supd's environment but PATH (for sh, kill and rmdir): it is not a program's.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    child = spawn('awk', ['-v', `final=${(final ?? '').replaceAll('\\', '\\\\')}`, PROGRAM], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, env });
    child.on('error', () => (child = null));
    child.stdin!.on('error', () => undefined);
    child.unref();
  } catch {
    child = null;
  }
  // Lines wait for the end of the current turn and go in one write: one write per line cost
  // about 0.35 ms each (a wake-up of awk every time), an eighth of starting 200 processes
  // and two writes on every respawn. A child is never unguarded meanwhile: its parent-death
  // signal is set before it runs, and it has had no time to start grandchildren.
  let pending = '';
  const flush = (): void => {
    if (pending !== '' && child?.stdin?.writable) child.stdin.write(pending);
    pending = '';
  };
  const send = (line: string): void => {
    if (pending === '') queueMicrotask(flush);
    pending += line;
  };
  return {
    get pid() {
      return child?.pid ?? null;
    },
    watch: (pgid) => send(`+ ${pgid}\n`),
    forget: (pgid) => send(`- ${pgid}\n`),
    close() {
      send('x\n'); // supd emptied its cgroups itself
      flush();
      child?.stdin?.end();
    },
  };
}
