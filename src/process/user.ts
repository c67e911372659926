// Users and groups by name or id, from /etc/passwd and /etc/group, falling back to getent
// for users that come from NSS (LDAP, systemd-homed...).
import { readFileSync } from 'node:fs';
import { childProcess } from '../lazy-builtins.js';

export interface UserEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
}

function lookup(database: 'passwd' | 'group', key: string | number): string[] | null {
  const wanted = String(key);
  const byId = typeof key === 'number' || /^[0-9]+$/.test(wanted);
  const field = byId ? 2 : 0;
  try {
    for (const line of readFileSync(`/etc/${database}`, 'utf8').split('\n')) {
      const parts = line.split(':');
      if (parts.length > 3 && parts[field] === wanted) return parts;
    }
  } catch {
    // fall through to getent
  }
  try {
    // child_process (with net, dgram and streams behind it) only when getent is needed: this
    // module shares a bundle chunk with the config locator that every CLI verb loads.
    const { execFileSync } = childProcess();
    const out = execFileSync('getent', [database, wanted], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const parts = out.trim().split(':');
    return parts.length > 3 ? parts : null;
  } catch {
    return null;
  }
}

export function findUser(key: string | number): UserEntry | null {
  const parts = lookup('passwd', key);
  if (parts === null) return null;
  return { name: parts[0]!, uid: Number(parts[2]), gid: Number(parts[3]), home: parts[5] ?? '/' };
}

export function findGroup(key: string | number): GroupEntry | null {
  const parts = lookup('group', key);
  if (parts === null) return null;
  return { name: parts[0]!, gid: Number(parts[2]) };
}

/** The identity a unit runs as, or the reason it cannot. */
export type Identity = { ok: true; user: UserEntry | null; gid: number | null } | { ok: false; reason: string };

export function resolveIdentity(user: string | number | null, group: string | number | null, myUid: number): Identity {
  const entry = user === null ? null : findUser(user);
  if (user !== null && entry === null) return { ok: false, reason: `no such user: ${user}` };
  const groupEntry = group === null ? null : findGroup(group);
  if (group !== null && groupEntry === null) return { ok: false, reason: `no such group: ${group}` };
  const switching = (entry !== null && entry.uid !== myUid) || groupEntry !== null;
  if (switching && myUid !== 0) {
    return { ok: false, reason: `cannot run as ${entry?.name ?? user ?? 'group ' + String(group)}: supd runs as uid ${myUid}, not root` };
  }
  return { ok: true, user: entry, gid: groupEntry?.gid ?? entry?.gid ?? null };
}

/** The groups a user runs with (initgroups): its primary gid and every group listing it as a member. */
export function userGroups(name: string, primaryGid: number): number[] {
  const groups = new Set([primaryGid]);
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const parts = line.split(':');
      if (parts.length > 3 && parts[3]!.split(',').includes(name)) groups.add(Number(parts[2]));
    }
  } catch {
    // no /etc/group: the primary group only
  }
  return [...groups];
}
