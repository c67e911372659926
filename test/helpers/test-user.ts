// An unprivileged user for the tests that run supd as someone else (we are root in CI):
// created once if missing (`useradd --system`), never removed (other runs reuse it).
import { execFileSync } from 'node:child_process';

export const TEST_USER = 'supdtest';
export const isRoot = process.getuid?.() === 0;

export interface TestUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** Runs a command as this user with only its own group: `[...wrapper, cmd, ...args]`. */
  readonly wrapper: readonly string[];
}

/** The test user, or the reason it cannot be had (not root, no useradd): tests SKIP with it. */
export function testUser(): TestUser | string {
  if (!isRoot) return 'SKIP: needs root to create and switch to an unprivileged user (CI runs as root)';
  try {
    if (idOf('-u') === null) execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', TEST_USER], { stdio: 'ignore' });
    const uid = idOf('-u');
    const gid = idOf('-g');
    if (uid === null || gid === null) return `SKIP: could not create the user ${TEST_USER}`;
    return { name: TEST_USER, uid, gid, wrapper: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] };
  } catch (error) {
    return `SKIP: could not create the user ${TEST_USER}: ${(error as Error).message}`;
  }
}

function idOf(flag: '-u' | '-g'): number | null {
  try {
    return Number(execFileSync('id', [flag, TEST_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}
