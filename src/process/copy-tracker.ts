// What supd knows of every process a copy (`web:0`) started, its main process and whatever
// that forked, double-forked or setsid'ed: a cgroup per copy where supd can make cgroups
// (cgroup-tracker.ts), else the copy's process group and session (session-tracker.ts).

export interface CopyTracker {
  /** `cgroup2`, `cgroup1` (a v1 pids hierarchy) or `session` (the fallback). */
  readonly kind: 'cgroup2' | 'cgroup1' | 'session';
  /** Where, for supd.log: the base cgroup directory, or why there is none. */
  readonly where: string;
  /** The cgroup.procs file a new child of the copy writes its pid to before it execs the program; null: none. */
  entryOf(name: string): string | null;
  /** Every live process of the copy (its main process too while it runs); never supd. */
  members(name: string, mainPid: number): number[];
  /** Sends the signal to every process of the copy; how many got it. */
  signalAll(name: string, mainPid: number, signal: NodeJS.Signals): number;
  /** SIGKILL to every process of the copy until none is left; resolves with how many there were. */
  killAll(name: string, mainPid: number): Promise<number>;
  /** The copy is at rest: its cgroup goes once empty. */
  release(name: string): void;
  /** Left by a supd on this state dir that died (kill -9): killed; how many, by copy. */
  killPrevious(): Promise<Array<{ name: string; count: number }>>;
  /** supd exits: kills what is left of every copy and removes the cgroups; how many were killed. */
  close(): Promise<number>;
  /** A shell command that kills every copy's processes, run by the guardian if supd dies; null: none needed. */
  readonly guardianCommand: string | null;
}

/** How long killAll keeps at it: SIGKILL cannot be caught, but a process in D state takes its time. */
export const KILL_WAIT_MS = 5000;
const POLL_MS = 10;

/** SIGKILL `list()` until it is empty (new forks land in the same cgroup or session); how many were seen. */
export async function killUntilGone(list: () => number[], kill: (pids: readonly number[]) => void): Promise<number> {
  const seen = new Set<number>();
  const deadline = Date.now() + KILL_WAIT_MS;
  for (let pids = list(); pids.length > 0 && Date.now() < deadline; pids = list()) {
    for (const pid of pids) seen.add(pid);
    kill(pids);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return seen.size;
}

/** Sends a signal to each pid; how many got it. */
export function signalEach(pids: readonly number[], signal: NodeJS.Signals): number {
  let sent = 0;
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      sent++;
    } catch {
      // gone meanwhile
    }
  }
  return sent;
}
