// Where supd could keep its cgroups: from /proc/self/mountinfo (the mounted hierarchies) and
// /proc/self/cgroup (supd's own place in each), the directory of supd's own cgroup, best
// first. Pure, so every layout (v2 only, hybrid, v1 only, a container's bind mounts) is a unit test.
//
// The order is by what a child's entry costs. Moving a process through cgroup.procs takes
// the kernel's cgroup_threadgroup_rwsem for writing, which waits for an RCU grace period
// (10 to 15 ms on this machine, measured) unless cgroup2 is mounted with favordynmods; a
// single-threaded process that writes 0 to a v1 `tasks` file moves itself without that lock
// (5.8 ms for a whole `sh -c 'echo 0 > tasks'` against 7.0 ms for a bare `sh -c :`, and 21 to
// 59 ms through cgroup.procs). So: v2 with favordynmods (and cgroup.kill), then v1 `pids`,
// then v2 as it is.

export interface CgroupRoot {
  readonly version: 1 | 2;
  /** cgroup2 mounted with favordynmods: moving a process costs no grace period. */
  readonly fast: boolean;
  /** supd's own cgroup directory in that hierarchy, e.g. /sys/fs/cgroup/unified/system.slice/supd.service. */
  readonly own: string;
}

interface CgroupMount {
  readonly version: 1 | 2;
  /** The path inside the hierarchy that is mounted (a container often mounts only its own part). */
  readonly root: string;
  readonly mountpoint: string;
  /** The super options: v1's controllers (`pids`, `cpu,cpuacct`), v2's `favordynmods`... */
  readonly controllers: readonly string[];
}

/** The hierarchies supd could use, best first; none when nothing fits. */
export function findCgroupRoots(mountinfo: string, selfCgroup: string): CgroupRoot[] {
  const mounts = parseMounts(mountinfo);
  const places = parseSelfCgroup(selfCgroup);
  const roots: CgroupRoot[] = [];
  const pids = places.get('pids');
  const pidsMount = mounts.find((m) => m.version === 1 && m.controllers.includes('pids') && pids !== undefined && isWithin(pids, m.root));
  if (pids !== undefined && pidsMount !== undefined) roots.push({ version: 1, fast: true, own: joinPath(pidsMount.mountpoint, pids, pidsMount.root) });
  const v2 = places.get('');
  const v2Mount = mounts.find((m) => m.version === 2 && v2 !== undefined && isWithin(v2, m.root));
  if (v2 !== undefined && v2Mount !== undefined) {
    const fast = v2Mount.controllers.includes('favordynmods');
    const root = { version: 2 as const, fast, own: joinPath(v2Mount.mountpoint, v2, v2Mount.root) };
    if (fast) roots.unshift(root);
    else roots.push(root);
  }
  return roots;
}

// mountinfo: `36 35 98:0 ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPEROPTS`.
function parseMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fstype, , superopts = ''] = right.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    mounts.push({
      version: fstype === 'cgroup2' ? 2 : 1,
      root: unescapeMount(fields[3] ?? '/'),
      mountpoint: unescapeMount(fields[4] ?? ''),
      controllers: superopts.split(','),
    });
  }
  return mounts;
}

// /proc/self/cgroup: `ID:CONTROLLERS:PATH`; v2 is `0::PATH`. Keyed by controller ('' for v2).
function parseSelfCgroup(text: string): Map<string, string> {
  const places = new Map<string, string>();
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first === -1 || second === -1) continue;
    const cgroupPath = line.slice(second + 1);
    const controllers = line.slice(first + 1, second);
    if (controllers === '') places.set('', cgroupPath);
    else for (const controller of controllers.split(',')) places.set(controller, cgroupPath);
  }
  return places;
}

// The kernel writes space, tab, newline and backslash in mount paths as octal escapes.
function unescapeMount(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function isWithin(cgroupPath: string, root: string): boolean {
  return root === '/' || cgroupPath === root || cgroupPath.startsWith(`${root}/`);
}

function joinPath(mountpoint: string, cgroupPath: string, root: string): string {
  const inside = root === '/' ? cgroupPath : cgroupPath.slice(root.length);
  return `${mountpoint}${inside === '/' ? '' : inside}`;
}
