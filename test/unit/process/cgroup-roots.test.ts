// Where supd keeps its cgroups, for each layout a machine may have: v2 only, hybrid (v1
// hierarchies plus v2 at /sys/fs/cgroup/unified, as on this machine), v1 only, a container
// whose hierarchies are bind mounts of its own part, and none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCgroupRoots } from '../../../src/process/cgroup-roots.js';

const line = (root: string, mountpoint: string, fstype: string, superopts: string) =>
  `30 25 0:26 ${root} ${mountpoint} rw,nosuid,nodev,noexec,relatime shared:4 - ${fstype} cgroup ${superopts}`;

test('v2 only: supd\'s own cgroup under the cgroup2 mount', () => {
  const mountinfo = [line('/', '/sys/fs/cgroup', 'cgroup2', 'rw,nsdelegate'), '22 1 8:1 / / rw - ext4 /dev/sda1 rw'].join('\n');
  assert.deepEqual(findCgroupRoots(mountinfo, '0::/system.slice/supd.service\n'), [{ version: 2, fast: false, own: '/sys/fs/cgroup/system.slice/supd.service' }]);
  assert.deepEqual(findCgroupRoots(mountinfo, '0::/\n'), [{ version: 2, fast: false, own: '/sys/fs/cgroup' }]);
});

test('hybrid: the v1 pids hierarchy first (a child enters it without waiting for an RCU grace period), then v2; other v1 hierarchies are never used', () => {
  const mountinfo = [
    line('/', '/sys/fs/cgroup/unified', 'cgroup2', 'rw'),
    line('/', '/sys/fs/cgroup/memory', 'cgroup', 'rw,memory'),
    line('/', '/sys/fs/cgroup/cpu,cpuacct', 'cgroup', 'rw,cpu,cpuacct'),
    line('/', '/sys/fs/cgroup/pids', 'cgroup', 'rw,pids'),
  ].join('\n');
  const self = '9:name=systemd:/\n8:pids:/user.slice\n4:memory:/process_api/6394\n2:cpu,cpuacct:/\n0::/user.slice\n';
  assert.deepEqual(findCgroupRoots(mountinfo, self), [
    { version: 1, fast: true, own: '/sys/fs/cgroup/pids/user.slice' },
    { version: 2, fast: false, own: '/sys/fs/cgroup/unified/user.slice' },
  ]);
  const favoring = mountinfo.replace('cgroup2 cgroup rw', 'cgroup2 cgroup rw,favordynmods');
  assert.deepEqual(findCgroupRoots(favoring, self).map((r) => r.version), [2, 1], 'v2 mounted with favordynmods first');
});

test('v1 only, and a container that mounts only its own part of the hierarchy', () => {
  const host = [line('/', '/sys/fs/cgroup/pids', 'cgroup', 'rw,pids')].join('\n');
  assert.deepEqual(findCgroupRoots(host, '5:pids:/docker/abc\n'), [{ version: 1, fast: true, own: '/sys/fs/cgroup/pids/docker/abc' }]);
  const container = [line('/docker/abc', '/sys/fs/cgroup/pids', 'cgroup', 'rw,pids')].join('\n');
  assert.deepEqual(findCgroupRoots(container, '5:pids:/docker/abc\n'), [{ version: 1, fast: true, own: '/sys/fs/cgroup/pids' }]);
  assert.deepEqual(findCgroupRoots(container, '5:pids:/docker/abc/inner\n'), [{ version: 1, fast: true, own: '/sys/fs/cgroup/pids/inner' }]);
  assert.deepEqual(findCgroupRoots(container, '5:pids:/other\n'), [], 'supd outside the mounted part: not usable');
});

test('mount paths with escaped spaces; nothing mounted, or no place of supd\'s: none', () => {
  const spaced = line('/', '/mnt/cgroup\\040two', 'cgroup2', 'rw');
  assert.deepEqual(findCgroupRoots(spaced, '0::/a\n'), [{ version: 2, fast: false, own: '/mnt/cgroup two/a' }]);
  assert.deepEqual(findCgroupRoots('22 1 8:1 / / rw - ext4 /dev/sda1 rw', '0::/\n'), []);
  assert.deepEqual(findCgroupRoots(spaced, ''), []);
  assert.deepEqual(findCgroupRoots('', ''), []);
});
