// The children supd started, on disk (<state_dir>/children: "pid starttime name" a line), so
// that a supd restarted after a crash kills any survivor before it starts anything, and
// never a process that merely reuses a recorded pid (its /proc start time differs).
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readStartTime } from '../process/proc.js';

export interface ChildRecord {
  readonly pid: number;
  readonly startTime: number;
  readonly name: string;
}

export function parseRegistry(text: string): ChildRecord[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((parts) => parts.length >= 3 && /^[0-9]+$/.test(parts[0]!) && /^[0-9]+$/.test(parts[1]!))
    .map(([pid, startTime, name]) => ({ pid: Number(pid), startTime: Number(startTime), name: name! }));
}

/**
 * The recorded children whose process group still holds our processes: the leader itself
 * (same pid and start time), or, with the leader gone, any member left in its group. A pid
 * is never reused while a group of that id has members, so a leaderless group is ours.
 */
export function findSurvivors(
  records: readonly ChildRecord[],
  startTimeOf: (pid: number) => number | null = readStartTime,
  groupExists: (pgid: number) => boolean = isGroupAlive,
): ChildRecord[] {
  return records.filter((r) => {
    const startTime = startTimeOf(r.pid);
    return startTime === r.startTime || (startTime === null && groupExists(r.pid));
  });
}

function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ChildRegistry {
  private readonly file: string;
  private readonly children = new Map<number, ChildRecord>();
  private timer: NodeJS.Timeout | null = null;

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'children');
  }

  /**
   * Records left by a previous supd on this state dir; none from a file another user could
   * have written (not supd's own, or writable by others): supd kills what the file names.
   */
  readPrevious(distrust: (why: string) => void = () => undefined): ChildRecord[] {
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') distrust(`${this.file}, a symbolic link`);
      return [];
    }
    try {
      const stat = fstatSync(fd);
      const uid = process.getuid?.() ?? 0;
      if (!stat.isFile() || stat.uid !== uid || (stat.mode & 0o022) !== 0) {
        const owner = stat.uid !== uid ? `owned by uid ${stat.uid}` : !stat.isFile() ? 'not a file' : 'writable by others';
        distrust(`${this.file} (${owner})`);
        return [];
      }
      return parseRegistry(readFileSync(fd, 'utf8'));
    } finally {
      closeSync(fd);
    }
  }

  add(pid: number, name: string, startTime: number | null = readStartTime(pid)): void {
    if (startTime === null) return;
    this.children.set(pid, { pid, startTime, name });
    this.schedule();
  }

  remove(pid: number): void {
    if (this.children.delete(pid)) this.schedule();
  }

  // Written at most every 100 ms: a crash storm must not turn into a write storm.
  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, 100);
  }

  flush(): void {
    const text = [...this.children.values()].map((c) => `${c.pid} ${c.startTime} ${c.name}\n`).join('');
    const temp = `${this.file}.tmp`;
    try {
      writeFileSync(temp, text, { mode: 0o600 });
      renameSync(temp, this.file);
    } catch {
      // The state dir vanished: the guardian and the parent-death signal still hold.
    }
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.children.clear();
    rmSync(this.file, { force: true });
  }
}
