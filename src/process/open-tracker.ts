// Chooses how supd tracks each copy's processes: a cgroup (cgroup-roots.ts says which
// hierarchy first), else (not root, no cgroup file system) the process group and session.
// SUPD_TEST_TRACKING = cgroup2 | cgroup1 | session forces one; it exists for the tests.
import { readFileSync } from 'node:fs';
import { findCgroupRoots } from './cgroup-roots.js';
import { openCgroupTracker } from './cgroup-tracker.js';
import type { CopyTracker } from './copy-tracker.js';
import { SessionTracker } from './session-tracker.js';

export const FORCE_TRACKING_ENV = 'SUPD_TEST_TRACKING';

export function openTracker(stateDir: string, env: Readonly<Record<string, string | undefined>>): CopyTracker {
  const forced = env[FORCE_TRACKING_ENV];
  if (forced === 'session') return new SessionTracker(`${FORCE_TRACKING_ENV}=session`);
  const roots = findCgroupRoots(readProcFile('/proc/self/mountinfo'), readProcFile('/proc/self/cgroup')).filter(
    (root) => forced === undefined || forced === '' || forced === `cgroup${root.version}`,
  );
  const reasons: string[] = [];
  for (const root of roots) {
    const opened = openCgroupTracker(root, stateDir);
    if ('tracker' in opened) return opened.tracker;
    reasons.push(opened.reason);
  }
  if (roots.length === 0) reasons.push('no cgroup v2 or v1 pids hierarchy mounted');
  return new SessionTracker(reasons.join('; '));
}

function readProcFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
