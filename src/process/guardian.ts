// The guardian: a tiny awk process that outlives supd. supd tells it each child's process
// group as it starts ("+ PGID") and ends ("- PGID"); when supd dies, even by SIGKILL, the
// pipe closes, awk reaches END and kills every group still listed, grandchildren included.
// awk reads its input buffered and forks nothing per message, so a crash storm costs little.
// With cgroups (copy-tracker.ts) it also runs `final`, a command that empties every cgroup of
// this supd: a process that left its group with setsid is still in its cgroup.
import { startLineHelper } from './line-helper.js';

const PROGRAM = '$1=="+"{g[$2]=1;next} $1=="-"{delete g[$2];next} $1=="x"{final="";next} END{s="";for(p in g)s=s" -"p;if(s!="")system("kill -KILL"s" 2>/dev/null");if(final!="")system(final)}';

export interface Guardian {
  readonly pid: number | null;
  watch(pgid: number): void;
  forget(pgid: number): void;
  /** Normal shutdown: every group is gone already; let the guardian end quietly. */
  close(): void;
}

export function startGuardian(final: string | null = null): Guardian {
  // awk's -v turns backslash escapes; the command has none but those it means.
  // Nothing of supd's environment but PATH (for sh, kill and rmdir): it is not a program's.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  // A child is never unguarded while its line waits for the turn's write: its parent-death
  // signal is set before it runs, and it has had no time to start grandchildren.
  const helper = startLineHelper('awk', ['-v', `final=${(final ?? '').replaceAll('\\', '\\\\')}`, PROGRAM], { detached: true, env });
  return {
    get pid() {
      return helper.pid;
    },
    watch: (pgid) => helper.send(`+ ${pgid}\n`),
    forget: (pgid) => helper.send(`- ${pgid}\n`),
    close() {
      helper.send('x\n'); // supd emptied its cgroups itself
      helper.close();
    },
  };
}
