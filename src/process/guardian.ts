// The guardian: a tiny awk process that outlives supd. supd tells it each child's process
// group as it starts ("+ PGID") and ends ("- PGID"); when supd dies, even by SIGKILL, the
// pipe closes, awk reaches END and kills every group still listed, grandchildren included.
// awk reads its input buffered and forks nothing per message, so a crash storm costs little.
import { spawn, type ChildProcess } from 'node:child_process';

const PROGRAM = '$1=="+"{g[$2]=1;next} $1=="-"{delete g[$2];next} END{s="";for(p in g)s=s" -"p;if(s!="")system("kill -KILL"s" 2>/dev/null")}';

export interface Guardian {
  readonly pid: number | null;
  watch(pgid: number): void;
  forget(pgid: number): void;
  /** Normal shutdown: every group is gone already; let the guardian end quietly. */
  close(): void;
}

export function startGuardian(): Guardian {
  let child: ChildProcess | null = null;
  try {
    child = spawn('awk', [PROGRAM], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => (child = null));
    child.stdin!.on('error', () => undefined);
    child.unref();
  } catch {
    child = null;
  }
  const send = (line: string): void => {
    if (child?.stdin?.writable) child.stdin.write(line);
  };
  return {
    get pid() {
      return child?.pid ?? null;
    },
    watch: (pgid) => send(`+ ${pgid}\n`),
    forget: (pgid) => send(`- ${pgid}\n`),
    close() {
      child?.stdin?.end();
    },
  };
}
