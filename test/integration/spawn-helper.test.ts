// The fork server (src/process/spawn-helper.ts): children are forked by a small Perl helper, not
// by supd, with the same cwd, umask, environment and fds as before; a helper killed while supd
// runs takes its children with it (their parent-death signal), supd restarts them through a
// new helper; one that stops answering (SIGSTOP) is ended after 5 s without freezing supd, and
// a start it leaves waiting can be stopped; answers and exits keep their order (each exit is its
// own child's); a stop sent the moment a child is forked is not lost; and SUPD_SPAWN_HELPER=0
// puts supd back as their parent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { withSupd } from '../helpers/supd.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const hasPerl = spawnSync('perl', ['-e', '1']).status === 0;
const skip = hasPerl ? false : 'perl is not installed: supd forks its children itself';

const ppidOf = (pid: number): number => Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const commandOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0]!;
const fdsOf = (pid: number): string[] => readdirSync(`/proc/${pid}/fd`).sort((a, b) => Number(a) - Number(b));

const CONFIG = `
[programs.a]
command = ["sh", "-c", "umask; pwd; echo \\"FOO=$FOO\\"; exec sleep 1000"]
cwd = "/tmp"
umask = "027"
env = { FOO = "bar" }
`;

describe('the spawn helper', { skip }, () => {
  test('forks the children (not supd); cwd, umask, environment and fds 0-2 are as asked', async () => {
    await withSupd(CONFIG, async (supd) => {
      const { pid } = await supd.waitForState('a:0', 'running');
      const parent = ppidOf(pid!);
      assert.notEqual(parent, supd.child.pid);
      assert.equal(commandOf(parent), 'perl');
      const log = await waitFor(() => {
        const text = readFileSync(path.join(supd.dir, 'logs', 'a-0.out.log'), 'utf8');
        return text.includes('FOO=') ? text : null;
      });
      assert.match(log, /^0027\n\/tmp\nFOO=bar\n/);
      assert.deepEqual(fdsOf(pid!), ['0', '1', '2']);
      assert.equal(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[3], String(pid), 'its own session');
    });
  });

  test('killed: its children are restarted through a new helper', async () => {
    await withSupd(CONFIG, async (supd) => {
      const first = (await supd.waitForState('a:0', 'running')).pid!;
      const helper = ppidOf(first);
      process.kill(helper, 'SIGKILL');
      const again = await supd.waitForState('a:0', (p) => p.state === 'running' && p.pid !== first);
      assert.notEqual(ppidOf(again.pid!), helper);
      assert.equal(commandOf(ppidOf(again.pid!)), 'perl');
      await waitFor(() => !isAlive(first), { what: `the old child ${first} gone` });
    });
  });

  test('supd reaps it on the way out: nothing of it is left once supd has exited', async () => {
    await withSupd(CONFIG, async (supd) => {
      const helper = ppidOf((await supd.waitForState('a:0', 'running')).pid!);
      assert.equal(ppidOf(helper), supd.child.pid);
      assert.equal(await supd.stop(), 0);
      // Reaped by supd, it has no /proc entry; outliving supd it would be alive or a zombie of init.
      assert.equal(existsSync(`/proc/${helper}`) && ppidOf(helper) !== supd.child.pid, false, `helper ${helper} outlived supd`);
    });
  });

  test('stopped (SIGSTOP): supd keeps answering, ends it after 5 s and starts through a new one', async () => {
    await withSupd(`${CONFIG}\n[programs.b]\ncommand = ["sleep", "1000"]\nautostart = false\n`, async (supd) => {
      const first = (await supd.waitForState('a:0', 'running')).pid!;
      const helper = ppidOf(first);
      supd.onCleanup(() => isAlive(helper) && process.kill(helper, 'SIGKILL'));
      process.kill(helper, 'SIGSTOP');
      const start = await supd.cli('start', 'b');
      assert.equal(start.code, 0, start.stderr);
      await waitFor(() => !isAlive(helper), { what: `the stopped helper ${helper} ended` });
      const b = await supd.waitForState('b:0', 'running');
      const a = await supd.waitForState('a:0', (p) => p.state === 'running' && p.pid !== first);
      for (const pid of [a.pid!, b.pid!]) assert.notEqual(ppidOf(pid), helper);
      assert.match(supd.supdLog(), /\[a:0\] pid \d+ killed by SIGKILL/);
    });
  });

  test('stopped (SIGSTOP) with a start waiting on it: status answers, and a stop of that start stops its child once it is there', async () => {
    await withSupd(`${CONFIG}\n[programs.b]\ncommand = ["sleep", "1000"]\nautostart = false\n`, async (supd) => {
      const helper = ppidOf((await supd.waitForState('a:0', 'running')).pid!);
      supd.onCleanup(() => isAlive(helper) && process.kill(helper, 'SIGKILL'));
      process.kill(helper, 'SIGSTOP');
      assert.equal((await supd.cli('start', 'b', '--no-wait')).code, 0);
      const waiting = await supd.waitForState('b:0', 'starting');
      assert.equal(waiting.pid, null, 'no pid before the helper answers');
      const asked = Date.now();
      await supd.status();
      assert.ok(Date.now() - asked < 2000, 'status answered while the spawn waits (supd does not wait for the helper)');
      assert.equal((await supd.cli('stop', 'b', '--no-wait')).code, 0);
      assert.equal((await supd.waitForState('b:0', 'stopping')).pid, null);
      process.kill(helper, 'SIGCONT');
      await supd.waitForState('b:0', 'stopped');
      const pid = Number(/\[b:0\] spawned pid (\d+)/.exec(supd.supdLog())?.[1]);
      assert.ok(pid > 0, 'the child was forked once the helper went on');
      assert.match(supd.supdLog(), new RegExp(`\\[b:0\\] stopping: sent SIGTERM to pid ${pid}`));
      await waitFor(() => !isAlive(pid), { what: `b's child ${pid} gone` });
      assert.equal(ppidOf((await supd.waitForState('a:0', 'running')).pid!), helper, 'the helper kept its children');
    });
  });

  test('a stop sent the moment a child is forked is not lost: a hundred copies restarted ten times at once stop at once', async () => {
    await withSupd('[programs.pool]\ncommand = ["sleep", "1000"]\nprocesses = 100\nstart_secs = "0s"\nstop_timeout = "5s"\n', async (supd) => {
      // Each restart finds copies being spawned: their SIGTERM goes out as soon as the helper
      // names the pid, maybe before the child has put back the default of a signal the helper
      // ignores. Lost, the stop waits out stop_timeout. Without the fix, 4 runs in 5 lost one.
      for (let round = 0; round < 3; round++) {
        await waitFor(async () => (await supd.status()).processes.every((p) => p.state === 'running'), { what: 'the pool running' });
        const restarts = await Promise.all(Array.from({ length: 10 }, () => supd.cli('restart', 'pool', '--no-wait')));
        for (const r of restarts) assert.equal(r.code, 0, r.stderr);
        const asked = Date.now();
        const stop = await supd.cli('stop', 'pool');
        assert.equal(stop.code, 0, stop.stderr);
        assert.ok(Date.now() - asked < 4000, `round ${round}: stop took ${Date.now() - asked} ms, a SIGTERM was lost and stop_timeout (5 s) ran out`);
        assert.doesNotMatch(supd.supdLog(), /did not exit within/);
        assert.equal((await supd.cli('start', 'pool', '--no-wait')).code, 0);
      }
    });
  });

  test('forty copies that end at once: each exit is reported for its own child', async () => {
    const quick = '[programs.quick]\ncommand = ["sh", "-c", "exit $((SUPD_INDEX + 1))"]\nprocesses = 40\nrestart = "never"\n';
    await withSupd(quick, async (supd) => {
      const report = await waitFor(async () => {
        const status = await supd.status();
        return status.processes.every((p) => p.state === 'exited') ? status : null;
      }, { what: 'all forty exited' });
      for (const p of report.processes) assert.equal(p.exit_code, p.index + 1, `${p.name} exit code`);
    });
  });

  test('SUPD_SPAWN_HELPER=0: supd forks its children itself', async () => {
    await withSupd(CONFIG, { env: { SUPD_SPAWN_HELPER: '0' } }, async (supd) => {
      const { pid } = await supd.waitForState('a:0', 'running');
      assert.equal(ppidOf(pid!), supd.child.pid);
    });
  });
});
