// May this user exec that file? The kernel's rules, read from the modes: search (x) on every
// directory of the path, x on the file (a script also needs r, its interpreter opens it),
// each checked with the owner, group or other bits against the user's uid, gid and groups.
// supd runs as root, where access(2) says yes to nearly everything: a `user = "nobody"`
// program on /root/.pyenv/shims/python3 then died with exit 126 and no reason.
import { closeSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { findUser, userGroups } from './user.js';

/** Who a check is for: a user's ids (root: uid 0, which needs an x bit on files only). */
export interface Accessor {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

export function accessorFor(uid: number, gid: number | null): Accessor {
  const user = findUser(uid);
  const primary = gid ?? user?.gid ?? uid;
  return { name: user?.name ?? `uid ${uid}`, uid, gid: primary, groups: user === null ? [primary] : userGroups(user.name, primary) };
}

/** null if `who` may exec `file` (an absolute path to a regular file), else why not. */
export function whyNotExecutable(file: string, who: Accessor): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const stat = statOrNull(dir);
    if (stat !== null && !allows(stat, who, 0o1)) return `${who.name} may not enter ${dir} (${describe(stat)})`;
    if (dir === path.dirname(dir)) break;
  }
  const real = realOrSelf(file);
  const stat = statOrNull(real);
  if (stat === null) return `no such file: ${file}`;
  if (!stat.isFile()) return `not a file: ${file}`;
  if (!allows(stat, who, 0o1)) return `${who.name} may not execute ${real} (${describe(stat)})`;
  if (isScript(real) && !allows(stat, who, 0o4)) return `${who.name} may not read the script ${real} (${describe(stat)})`;
  return null;
}

// The owner's, the group's or the others' bit, whichever class the user falls in; root needs
// an x bit somewhere on a file and nothing on a directory.
function allows(stat: Stats, who: Accessor, bit: 0o1 | 0o4): boolean {
  if (who.uid === 0) return bit === 0o4 || stat.isDirectory() || (stat.mode & 0o111) !== 0;
  if (stat.uid === who.uid) return (stat.mode & (bit << 6)) !== 0;
  if (stat.gid === who.gid || who.groups.includes(stat.gid)) return (stat.mode & (bit << 3)) !== 0;
  return (stat.mode & bit) !== 0;
}

function describe(stat: Stats): string {
  const owner = findUser(stat.uid)?.name ?? `uid ${stat.uid}`;
  return `owner ${owner}, mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')}`;
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function isScript(file: string): boolean {
  const head = Buffer.alloc(2);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  return head.toString('latin1') === '#!';
}
