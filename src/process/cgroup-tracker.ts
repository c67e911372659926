// A cgroup per copy, as systemd keeps a cgroup per service: whatever a copy forks, double-forks
// or setsid's stays in its cgroup, so nothing of it escapes a stop. The cgroups live under
// `<supd's own cgroup>/supd-<state dir hash>.<supd pid>/<copy name>`: the hash lets a supd
// restarted on the same state dir find what a killed one left (killPrevious); the pid keeps a
// dying supd's guardian from touching the cgroups of the supd that replaced it.
//
// A child enters its cgroup before it runs the program: `sh -c 'echo 0 > tasks; exec "$@"'`
// (spawner.ts; cgroup.procs on v2), as root before setpriv switches user, and the program's
// pid is that same process's. supd never moves itself: a move through cgroup.procs can wait
// for an RCU grace period (10-15 ms here, measured; see cgroup-roots.ts), which would stall
// supd's event loop at every spawn. Writing the child's pid from supd after the spawn would
// race with a program that forks at once.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../text/sha256.js';
import type { CgroupRoot } from './cgroup-roots.js';
import { killUntilGone, signalEach, type CopyTracker } from './copy-tracker.js';

const SELF = String(process.pid);

/** The base directory's name for a state dir: `supd-<12 hex>`, the same for every supd on it. */
export function basePrefix(stateDir: string): string {
  let real = stateDir;
  try {
    real = realpathSync(stateDir);
  } catch {
    // not there yet: its path as given
  }
  return `supd-${sha256Hex(real).slice(0, 12)}`;
}

/**
 * Makes the base cgroup and checks that supd can move itself in and out (root, or a cgroup
 * delegated to supd's user); null, with the reason, when it cannot.
 */
export function openCgroupTracker(root: CgroupRoot, stateDir: string): { tracker: CgroupTracker } | { reason: string } {
  const base = path.join(root.own, `${basePrefix(stateDir)}.${process.pid}`);
  const probe = path.join(base, 'probe');
  try {
    mkdirSync(probe, { recursive: true });
    writeFileSync(path.join(probe, 'cgroup.procs'), SELF);
    writeFileSync(path.join(root.own, 'cgroup.procs'), SELF);
    rmdirSync(probe);
  } catch (error) {
    try {
      writeFileSync(path.join(root.own, 'cgroup.procs'), SELF);
      rmdirSync(probe);
      rmdirSync(base);
    } catch {
      // never made, or supd was never moved
    }
    return { reason: `${probe}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  return { tracker: new CgroupTracker(root, base) };
}

export class CgroupTracker implements CopyTracker {
  readonly kind: 'cgroup2' | 'cgroup1';
  readonly where: string;
  readonly guardianCommand: string;
  /** The copies whose cgroup exists (made since its last release). */
  private readonly made = new Set<string>();
  /** cgroup v2 since Linux 5.14: one write kills every process of a cgroup, forks in flight included. */
  private readonly hasKill: boolean;

  constructor(
    private readonly root: CgroupRoot,
    private readonly base: string,
  ) {
    this.kind = root.version === 2 ? 'cgroup2' : 'cgroup1';
    this.where = base;
    this.hasKill = root.version === 2 && existsSync(path.join(base, 'cgroup.kill'));
    this.guardianCommand = killTreeCommand(base, this.hasKill);
  }

  entryOf(name: string): string | null {
    const dir = path.join(this.base, name);
    if (!this.made.has(name)) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch {
        return null; // tracked by its process group only: signals go to that
      }
      this.made.add(name);
    }
    // v1: `tasks` moves only the writing thread (sh has one), without the grace period.
    return path.join(dir, this.root.version === 1 ? 'tasks' : 'cgroup.procs');
  }

  members(name: string): number[] {
    return readProcs(path.join(this.base, name));
  }

  signalAll(name: string, _mainPid: number, signal: NodeJS.Signals): number {
    const pids = this.members(name);
    if (signal === 'SIGKILL' && pids.length > 0 && this.killCgroup(path.join(this.base, name))) return pids.length;
    return signalEach(pids, signal);
  }

  killAll(name: string): Promise<number> {
    return this.emptyCgroup(path.join(this.base, name));
  }

  release(name: string): void {
    this.made.delete(name);
    removeDir(path.join(this.base, name));
  }

  async killPrevious(): Promise<Array<{ name: string; count: number }>> {
    const prefix = `${path.basename(this.base).split('.')[0]!}.`;
    const found: Array<{ name: string; count: number }> = [];
    for (const entry of listDirs(this.root.own)) {
      const old = path.join(this.root.own, entry);
      if (!entry.startsWith(prefix) || !/^[0-9]+$/.test(entry.slice(prefix.length)) || old === this.base) continue;
      for (const name of listDirs(old)) {
        const count = await this.emptyCgroup(path.join(old, name));
        if (count > 0) found.push({ name, count });
        removeDir(path.join(old, name));
      }
      removeDir(old);
    }
    return found;
  }

  async close(): Promise<number> {
    let count = 0;
    for (const name of listDirs(this.base)) {
      count += await this.emptyCgroup(path.join(this.base, name));
      removeDir(path.join(this.base, name));
    }
    removeDir(this.base);
    return count;
  }

  private emptyCgroup(dir: string): Promise<number> {
    return killUntilGone(
      () => readProcs(dir),
      (pids) => this.killCgroup(dir) || signalEach(pids, 'SIGKILL'),
    );
  }

  // v2's cgroup.kill, never while supd itself is inside (it never is but for the probe): false if not done.
  private killCgroup(dir: string): boolean {
    if (!this.hasKill || readProcs(dir, false).includes(process.pid)) return false;
    try {
      writeFileSync(path.join(dir, 'cgroup.kill'), '1');
      return true;
    } catch {
      return false;
    }
  }
}

/** The pids in a cgroup (zombies are not listed), without supd's own unless asked. */
function readProcs(dir: string, withoutSelf = true): number[] {
  let text: string;
  try {
    text = readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const line of text.split('\n')) if (line !== '' && (!withoutSelf || line !== SELF)) pids.push(Number(line));
  return pids;
}

function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function removeDir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // processes still in it (kill_mode = process), or gone already
  }
}

// For the guardian (sh, after supd died): kill every copy's processes, then remove the cgroups.
function killTreeCommand(base: string, hasKill: boolean): string {
  const quoted = `'${base.replaceAll("'", `'\\''`)}'`;
  const kill = hasKill
    ? `for d in ${quoted}/*/; do echo 1 > "$d"cgroup.kill; done`
    : `for i in 1 2 3 4 5 6 7 8 9 10; do p=$(cat ${quoted}/*/cgroup.procs); [ -z "$p" ] && break; kill -KILL $p; sleep 0.05; done`;
  return `(${kill}; for i in 1 2 3 4 5 6 7 8 9 10; do rmdir ${quoted}/*/ ${quoted} && break; sleep 0.1; done) 2>/dev/null`;
}
