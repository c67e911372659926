// Issue 12, bugs 1, 5 and 6: every process of a copy is tracked (a cgroup per copy where supd
// can make one, else its process group and session), what a main process leaves behind is
// killed before the next one starts, and kill_mode decides who gets which signal. Each case
// runs under every way of tracking this machine offers: cgroup v2, a v1 `pids` hierarchy,
// and the fallback, forced with SUPD_TEST_TRACKING (an environment variable only tests use).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { findCgroupRoots } from '../../src/process/cgroup-roots.js';
import { FIXTURES } from '../helpers/paths.js';
import { childrenOf } from '../helpers/procfs.js';
import { supdFor, withSupd, type SupdUnderTest, type StartOptions } from '../helpers/supd.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');

type Tracking = 'cgroup2' | 'cgroup1' | 'session';

// Why a way of tracking cannot run here (not root, no such hierarchy, not writable), or null.
function unavailable(tracking: Tracking): string | null {
  if (tracking === 'session') return null;
  if (process.getuid?.() !== 0) return 'cgroups need root';
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const root = findCgroupRoots(read('/proc/self/mountinfo'), read('/proc/self/cgroup')).find((r) => `cgroup${r.version}` === tracking);
  if (root === undefined) return `no ${tracking === 'cgroup2' ? 'cgroup v2' : 'cgroup v1 pids'} hierarchy mounted`;
  const probe = path.join(root.own, `supd-test-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return null;
  } catch (error) {
    return `cannot make a cgroup in ${root.own}: ${(error as NodeJS.ErrnoException).code}`;
  }
}

const TRACKINGS: readonly Tracking[] = ['cgroup2', 'cgroup1', 'session'];

function pidsIn(supd: SupdUnderTest, file: string): number[] {
  const full = path.join(supd.dir, file);
  return existsSync(full) ? readFileSync(full, 'utf8').split(/\s+/).filter(Boolean).map(Number) : [];
}

/** The pids of the workers master-workers.sh wrote, once there are `n`. */
function workersOf(supd: SupdUnderTest, n: number): Promise<number[]> {
  return waitFor(() => (pidsIn(supd, 'workers.pid').length === n ? pidsIn(supd, 'workers.pid') : null), { what: `${n} workers` });
}

function stateOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** The base cgroup this supd said it uses, from supd.log (null for the fallback). */
function baseOf(supd: SupdUnderTest): string | null {
  return /in a cgroup \(v[^)]*\) under (\S+)/.exec(supd.supdLog())?.[1] ?? null;
}

/** Options for a supd tracking that way; `dirs` are made first, for fixtures that write into them. */
function tracked(tracking: Tracking, dirs: readonly string[] = []): StartOptions {
  const files = Object.fromEntries(dirs.map((d) => [`${d}/.keep`, '']));
  return { env: { SUPD_TEST_TRACKING: tracking }, files };
}

/** withSupd with a supd tracking that way (and `dirs` made first). */
function withTracking(tracking: Tracking, config: string, ...rest: [Body] | [readonly string[], Body]): Promise<void> {
  const [dirs, body] = rest.length === 1 ? [[], rest[0]] : rest;
  return withSupd(config, tracked(tracking, dirs), body);
}

type Body = (supd: SupdUnderTest) => Promise<void>;

/** Kills what a test's fixtures wrote down, whatever happened (the fallback lets some escape). */
function killListed(supd: SupdUnderTest, ...files: string[]): void {
  for (const pid of files.flatMap((f) => pidsIn(supd, f))) {
    if (isAlive(pid) && readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`SUPD_TEST_DIR=${supd.dir}`)) process.kill(pid, 'SIGKILL');
  }
}

for (const tracking of TRACKINGS) {
  const skip = unavailable(tracking) ?? false;

  describe(`what a program leaves behind (tracking: ${tracking})`, { skip }, () => {
    test('kill -9 of a master: its workers are killed, and said so, before the next master starts', async () => {
      await withTracking(tracking, `
[programs.web]
command = ["${BIN}/master-workers.sh", ".", "3"]
start_secs = "200ms"
`, async (supd) => {
        const first = await supd.waitForState('web:0', 'running');
        const workers = await workersOf(supd, 3);
        assert.equal(baseOf(supd) === null, tracking === 'session', supd.supdLog());
        process.kill(first.pid!, 'SIGKILL');
        const second = await supd.waitForState('web:0', (p) => p.state === 'running' && p.pid !== first.pid);
        const starts = readFileSync(path.join(supd.dir, 'starts.log'), 'utf8').trim().split('\n');
        assert.deepEqual(starts.at(-1), `${second.pid} 0`, 'no worker of the old master alive when the new one started');
        for (const pid of workers) assert.ok(!isAlive(pid), `worker ${pid} gone`);
        assert.match(supd.supdLog(), new RegExp(`\\[web:0\\] killed 3 leftover processes of web:0 \\(pid ${workers.join(', ')}\\) after its main process ${first.pid} ended`));
        const stop = await supd.cli('stop', 'web');
        assert.equal(stop.code, 0, stop.stderr);
        const last = pidsIn(supd, 'workers.pid');
        assert.equal(last.length, 3);
        for (const pid of last) assert.ok(!isAlive(pid), `worker ${pid} gone after stop`);
      });
    });

    test('background jobs (in its group, or in a group of their own in its session) die with each run, on stop and on shutdown', async () => {
      await withTracking(tracking, `
[programs.jobs]
command = ["${BIN}/background-job.sh", ".", "0.4"]
start_secs = "100ms"
backoff = { initial = "100ms" }
[programs.steady]
command = ["${BIN}/background-job.sh", "steady"]
[programs.oneshot]
command = ["sh", "-c", "sleep 1001 & echo $! > oneshot.pid"]
`, ['steady'], async (supd) => {
        supd.onCleanup(() => killListed(supd, 'job.pid', 'steady/job.pid', 'oneshot.pid'));
        await waitFor(() => pidsIn(supd, 'job.pid').length >= 6, { timeoutMs: 15_000, what: 'three runs of jobs' });
        // Each run's two jobs are killed when it exits: never more than the current run's two.
        assert.ok(pidsIn(supd, 'job.pid').filter(isAlive).length <= 2, 'at most the current run\'s jobs alive');
        const fatal = await supd.waitForState('oneshot:0', 'fatal');
        const oneshot = pidsIn(supd, 'oneshot.pid')[0]!;
        assert.match(fatal.reason ?? '', new RegExp(`daemonized itself: .*leaving pid ${oneshot} running`));
        await waitFor(() => !isAlive(oneshot), { timeoutMs: 2000, what: 'the `sh -c "sleep 1001 &"` leftover gone' });
        const stop = await supd.cli('stop', 'jobs');
        assert.equal(stop.code, 0, stop.stderr);
        for (const pid of pidsIn(supd, 'job.pid')) assert.ok(!isAlive(pid), `job ${pid} gone after stop`);
        const steady = await waitFor(() => (pidsIn(supd, 'steady/job.pid').length >= 2 ? pidsIn(supd, 'steady/job.pid') : null), { what: 'steady jobs' });
        assert.equal(await supd.stop(), 0);
        for (const pid of steady) assert.ok(!isAlive(pid), `job ${pid} gone after shutdown`);
        const base = baseOf(supd);
        if (base !== null) assert.ok(!existsSync(base), `${base} removed on the way out`);
      });
    });

    test('supd signal goes to the main process; --group to every process of the copy', async () => {
      await withTracking(tracking, `
[programs.web]
command = ["${BIN}/master-workers.sh", ".", "2"]
start_secs = "0"
`, async (supd) => {
        const master = (await supd.waitForState('web:0', 'running')).pid!;
        const workers = await workersOf(supd, 2);
        assert.equal((await supd.cli('signal', 'STOP', 'web')).code, 0);
        await waitFor(() => stateOf(master) === 'T', { what: 'master stopped' });
        assert.deepEqual(workers.map(stateOf), ['S', 'S'], 'the workers did not get it');
        const group = await supd.cli('signal', 'CONT', 'web', '--group');
        assert.equal(group.code, 0, group.stderr);
        await waitFor(() => stateOf(master) === 'S', { what: 'master running on' });
        assert.equal((await supd.cli('signal', 'STOP', 'web:0', '--group')).code, 0);
        await waitFor(() => [master, ...workers].every((pid) => stateOf(pid) === 'T'), { what: 'every process stopped' });
        assert.equal((await supd.cli('signal', 'CONT', 'web', '--group')).code, 0);
        await waitFor(() => [master, ...workers].every((pid) => stateOf(pid) === 'S'), { what: 'every process running on' });
        assert.match(supd.supdLog(), /\[web:0\] sent SIGSTOP to every process/);
      });
    });

    test('kill_mode = "mixed" lets a child finish while its parent stops gracefully; "group" sends it the stop signal too', async () => {
      await withTracking(tracking, `
[programs.mixed]
command = ["${BIN}/graceful-parent.sh", "mixed"]
start_secs = "0"
[programs.group]
command = ["${BIN}/graceful-parent.sh", "group"]
kill_mode = "group"
start_secs = "0"
[programs.old]
command = ["${BIN}/graceful-parent.sh", "old"]
kill_group = true
start_secs = "0"
`, ['mixed', 'group', 'old'], async (supd) => {
        const read = (file: string) => (existsSync(path.join(supd.dir, file)) ? readFileSync(path.join(supd.dir, file), 'utf8') : '');
        const tasks = await waitFor(() => {
          const pids = ['mixed', 'group', 'old'].map((d) => pidsIn(supd, `${d}/task.pid`)[0]);
          return pids.every((p) => p !== undefined) ? (pids as number[]) : null;
        }, { what: 'the tasks running' });
        const stop = await supd.cli('stop', 'all', '--no-wait');
        assert.equal(stop.code, 0, stop.stderr);
        await waitFor(() => ['mixed', 'group', 'old'].every((d) => read(`${d}/parent.log`).startsWith('TERM\n')), { what: 'every parent told to stop' });
        // group, and kill_group = true: the task got SIGTERM too and died unfinished.
        await waitFor(() => !isAlive(tasks[1]!) && !isAlive(tasks[2]!), { what: 'the group tasks gone' });
        for (const dir of ['group', 'old']) await supd.waitForState(`${dir}:0`, 'stopped');
        for (const dir of ['group', 'old']) assert.equal(read(`${dir}/task.done`), '', `${dir}: the task did not finish`);
        // mixed: the task works on while its parent waits for it.
        assert.ok(isAlive(tasks[0]!), 'mixed: the task still works');
        assert.equal((await supd.proc('mixed:0')).state, 'stopping');
        writeFileSync(path.join(supd.dir, 'mixed', 'release'), '');
        const mixed = await supd.waitForState('mixed:0', 'stopped');
        assert.equal(read('mixed/task.done'), 'done\n', 'mixed: the task finished');
        assert.equal(read('mixed/parent.log'), 'TERM\nexiting\n', 'mixed: the parent got TERM and waited');
        assert.equal(mixed.exit_code, 0);
      });
    });

    test('kill_mode = "process": the workers outlive a kill -9 of their master (no cleanup)', async () => {
      await withTracking(tracking, `
[programs.web]
command = ["${BIN}/master-workers.sh", ".", "2"]
kill_mode = "process"
start_secs = "200ms"
`, async (supd) => {
        supd.onCleanup(() => killListed(supd, 'workers.pid'));
        const first = await supd.waitForState('web:0', 'running');
        const workers = await workersOf(supd, 2);
        process.kill(first.pid!, 'SIGKILL');
        const second = await supd.waitForState('web:0', (p) => p.state === 'running' && p.pid !== first.pid);
        assert.equal(readFileSync(path.join(supd.dir, 'starts.log'), 'utf8').trim().split('\n').at(-1), `${second.pid} 2`);
        assert.ok(workers.every(isAlive));
        assert.doesNotMatch(supd.supdLog(), /leftover/);
        if (tracking !== 'session') {
          // Still in the copy's cgroup: nothing survives supd's own exit.
          assert.equal(await supd.stop(), 0);
          await waitFor(() => workers.every((pid) => !isAlive(pid)), { timeoutMs: 2000, what: 'the workers killed on the way out' });
          assert.match(supd.supdLog(), /killed [45] processes left in the cgroups/);
        }
      });
    });
  });
}

for (const tracking of ['cgroup2', 'cgroup1'] as const) {
  const skip = unavailable(tracking) ?? false;

  describe(`a daemon that leaves with setsid (tracking: ${tracking})`, { skip }, () => {
    test('is killed with each run, on stop and on shutdown; its cgroup goes', async () => {
      await withTracking(tracking, `
[programs.esc]
command = ["${BIN}/escape-setsid.sh", ".", "0.4"]
start_secs = "100ms"
backoff = { initial = "100ms" }
[programs.steady]
command = ["${BIN}/escape-setsid.sh", "steady"]
`, ['steady'], async (supd) => {
        supd.onCleanup(() => killListed(supd, 'escaped.pid', 'steady/escaped.pid'));
        await waitFor(() => pidsIn(supd, 'escaped.pid').length >= 3, { timeoutMs: 15_000, what: 'three runs' });
        assert.ok(pidsIn(supd, 'escaped.pid').filter(isAlive).length <= 1, 'one orphan at most: the current run\'s');
        assert.match(supd.supdLog(), /\[esc:0\] killed 1 leftover process of esc:0/);
        assert.equal((await supd.cli('stop', 'esc')).code, 0);
        for (const pid of pidsIn(supd, 'escaped.pid')) assert.ok(!isAlive(pid), `escaped ${pid} gone after stop`);
        const base = baseOf(supd)!;
        assert.ok(!existsSync(path.join(base, 'esc:0')), 'a stopped copy has no cgroup left');
        const steady = await waitFor(() => pidsIn(supd, 'steady/escaped.pid')[0], { what: 'the steady escapee' });
        assert.ok(readFileSync(path.join(base, 'steady:0', 'cgroup.procs'), 'utf8').split('\n').includes(String(steady)), 'the escapee is in its copy\'s cgroup');
        assert.equal(await supd.stop(), 0);
        assert.ok(!isAlive(steady), 'gone after shutdown');
        assert.ok(!existsSync(base), `${base} removed`);
      });
    });

    test('kill -9 of supd: the guardian empties its cgroups; with the guardian killed too, the next supd does', async (t) => {
      const config = `
[programs.esc]
command = ["${BIN}/escape-setsid.sh", "."]
start_secs = "0"
`;
      const first = await supdFor(t, config, tracked(tracking));
      const escaped = await waitFor(() => pidsIn(first, 'escaped.pid')[0], { what: 'the escapee' });
      const firstBase = baseOf(first)!;
      first.child.kill('SIGKILL');
      await waitFor(() => !isAlive(escaped), { timeoutMs: 2000, what: 'the escapee killed by the guardian' });
      await waitFor(() => !existsSync(firstBase), { timeoutMs: 3000, what: 'the cgroups removed by the guardian' });
      await first.cleanup(true);
      const second = await supdFor(t, config, { ...tracked(tracking), reuse: first.temp, keepDir: true });
      const again = await waitFor(() => pidsIn(second, 'escaped.pid')[1], { what: 'a new escapee' });
      const guardian = childrenOf(second.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('awk'))!;
      process.kill(guardian, 'SIGKILL');
      second.child.kill('SIGKILL');
      await waitFor(() => !isAlive(second.child.pid!), { what: 'supd gone' });
      assert.ok(isAlive(again), 'with the guardian gone too, the escapee survived (the case under test)');
      // (second.cleanup() would kill it: it waits for the end of the test)
      const third = await supdFor(t, config, { ...tracked(tracking), reuse: first.temp });
      third.onCleanup(() => killListed(third, 'escaped.pid'));
      await waitFor(() => !isAlive(again), { timeoutMs: 2000, what: 'the escapee killed by the next supd' });
      assert.match(third.supdLog(), /killed 1 process of esc:0 left in its cgroup by a previous supd/);
      assert.ok(!existsSync(baseOf(second)!), 'the old cgroups removed');
    });
  });
}

describe('a daemon that leaves with setsid (tracking: session, the fallback)', () => {
  test('escapes: the fallback cannot see a process that left its session (docs/processes.md says so)', async () => {
    await withTracking('session', `
[programs.esc]
command = ["${BIN}/escape-setsid.sh", "."]
start_secs = "0"
`, async (supd) => {
      supd.onCleanup(() => killListed(supd, 'escaped.pid'));
      const escaped = await waitFor(() => pidsIn(supd, 'escaped.pid')[0], { what: 'the escapee' });
      assert.match(supd.supdLog(), /by process group and session, not by cgroup \(SUPD_TEST_TRACKING=session\): a process that calls setsid and forks again escapes/);
      assert.equal((await supd.cli('stop', 'esc')).code, 0);
      assert.ok(isAlive(escaped), 'the known limit of the fallback');
    });
  });
});
