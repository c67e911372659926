// The fallback where supd cannot make cgroups (not root, no cgroup file system, or a cgroup
// supd may not write): a copy's processes are those in its main process's process group or
// session (the main process leads both: it is started with setsid), found by a scan of /proc.
// What it cannot see: a process that calls setsid itself (or setpgid into another group of
// another session), e.g. a daemon that double-forks; docs/processes.md says so.
import { findGroupOrSessionMembers } from './proc.js';
import { killUntilGone, signalEach, type CopyTracker } from './copy-tracker.js';

export class SessionTracker implements CopyTracker {
  readonly kind = 'session';
  readonly guardianCommand = null;

  constructor(readonly where: string) {}

  entryOf(): null {
    return null;
  }

  members(_name: string, mainPid: number): number[] {
    return findGroupOrSessionMembers(mainPid).filter((pid) => pid !== process.pid);
  }

  signalAll(name: string, mainPid: number, signal: NodeJS.Signals): number {
    return signalEach(this.members(name, mainPid), signal);
  }

  killAll(name: string, mainPid: number): Promise<number> {
    return killUntilGone(
      () => this.members(name, mainPid),
      (pids) => signalEach(pids, 'SIGKILL'),
    );
  }

  release(): void {}

  killPrevious(): Promise<Array<{ name: string; count: number }>> {
    return Promise.resolve([]); // the children registry and the guardian cover it
  }

  close(): Promise<number> {
    return Promise.resolve(0);
  }
}
