import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { expectFatalDaemonized } from '../helpers/daemonized.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { supdFor, withSupd } from '../helpers/supd.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

describe('supervisor', () => {
  test('children get their names, methods, indices and SUPD_* variables; status shows each', async () => {
    await withSupd(`
[programs.web]
command = [${node}, "${BIN}/forever.js"]
processes = 2
[programs.app]
command = [${node}, "${BIN}/forever.js", "base"]
[programs.app.methods.mailer]
processes = 2
[programs.app.methods.importer]
args = ["import", "--batch", "100"]
`, async (supd) => {
      await waitFor(async () => (await supd.status()).processes.every((p) => p.state === 'running'), { what: 'all running' });
      const report = await supd.status();
      assert.deepEqual(report.processes.map((p) => p.name), ['web:0', 'web:1', 'app.mailer:0', 'app.mailer:1', 'app.importer:0']);
      assert.equal(report.supervisor.pid, supd.child.pid);
      assert.equal(report.supervisor.config, supd.config);
      for (const p of report.processes) {
        assert.equal(typeof p.pid, 'number');
        assert.ok(p.rss_bytes !== null && p.rss_bytes > 1_000_000, `${p.name} rss ${p.rss_bytes}`);
        assert.equal(p.restarts, 0);
      }
      const firstLine = (file: string) => waitFor(() => readLines(path.join(supd.dir, 'logs', file))[0], { what: `a line in ${file}` }).then((l) => JSON.parse(l));
      const mailer = await firstLine('app.mailer-1.out.log');
      assert.deepEqual(mailer, { pid: mailer.pid, name: 'app.mailer:1', program: 'app', method: 'mailer', index: '1', argv: ['base', 'mailer'], color: null });
      const importer = await firstLine('app.importer-0.out.log');
      assert.deepEqual(importer.argv, ['base', 'import', '--batch', '100']);
      const web = await firstLine('web-1.out.log');
      assert.equal(web.method, null);
      assert.equal(web.pid, report.processes[1]!.pid, 'the pid in status is the program\'s own');
      const table = await supd.cli('status');
      assert.match(table.stdout, /^NAME\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+MEMORY\s+LAST EXIT/);
      assert.match(table.stdout, /app\.mailer:1\s+running\s+\d+/);
    });
  });

  test('a crash loop backs off geometrically up to max', async () => {
    await withSupd(`
[programs.crash]
command = ["${BIN}/crash-fast.sh", "starts.log", "3"]
start_secs = "10s"
backoff = { initial = "200ms", max = "800ms", factor = 2, jitter = 0 }
`, async (supd) => {
      const starts = await waitFor(() => {
        const lines = readLines(path.join(supd.dir, 'starts.log'));
        return lines.length >= 6 ? lines.map((l) => Number(BigInt(l.split(' ')[1]!) / 1_000_000n)) : null;
      }, { timeoutMs: 15_000, what: '6 starts' });
      const gaps = starts.slice(1, 6).map((t, i) => t - starts[i]!);
      const expected = [200, 400, 800, 800, 800];
      // The delays supd chose, from its log (exact); the gaps only bound them from below, since a
      // busy machine may start a child late but never early.
      const delays = [...supd.supdLog().matchAll(/\[crash:0\] exited too soon \(\d+ in a row\): next start in (\d+) ms/g)].map((m) => Number(m[1]));
      assert.deepEqual(delays.slice(0, 5), expected);
      gaps.forEach((gap, i) => assert.ok(gap >= expected[i]!, `gap ${i + 1} is ${gap} ms, backoff ${expected[i]} ms (gaps: ${gaps})`));
      const crash = await supd.proc('crash:0');
      assert.ok(crash.restarts >= 5);
      assert.equal(crash.exit_code, 3);
      assert.match(supd.supdLog(), /\[crash:0\] exited too soon \(3 in a row\): next start in 800 ms/);
    });
  });

  test('an exit after start_secs respawns at once and resets the backoff', async () => {
    await withSupd(`
[programs.steady]
command = [${node}, "${BIN}/crash-after.js", "400", "1"]
start_secs = "200ms"
backoff = { initial = "5s", jitter = 0 }
env = { LOG = "starts.log" }
`, async (supd) => {
      const starts = await waitFor(() => {
        const lines = readLines(path.join(supd.dir, 'starts.log'));
        return lines.length >= 3 ? lines.map((l) => Number(l.split(' ')[1])) : null;
      }, { timeoutMs: 10_000, what: '3 starts' });
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      for (const gap of gaps) assert.ok(gap < 2000, `respawned without the 5 s backoff: ${gaps}`);
      assert.doesNotMatch(supd.supdLog(), /exited too soon/);
    });
  });

  test('max_restarts within restart_window makes a process fatal', async () => {
    await withSupd(`
[programs.doomed]
command = [${node}, "${BIN}/crash-after.js", "0", "1"]
max_restarts = 2
restart_window = "1m"
backoff = { initial = "50ms", jitter = 0 }
`, async (supd) => {
      const fatal = await supd.waitForState('doomed:0', 'fatal');
      assert.equal(fatal.restarts, 2);
      assert.equal(fatal.pid, null);
      assert.match(fatal.reason ?? '', /max_restarts = 2/);
      assert.match(supd.supdLog(), /\[doomed:0\] giving up/);
      const start = await supd.cli('start', 'doomed');
      assert.equal(start.code, 1, 'start of a crashing program fails');
    });
  });

  test('restart = "never" and "on-failure" with success_exit_codes', async () => {
    await withSupd(`
[programs.once]
command = [${node}, "${BIN}/crash-after.js", "0", "1"]
restart = "never"
[programs.clean]
command = [${node}, "${BIN}/crash-after.js", "0", "3"]
restart = "on-failure"
success_exit_codes = [0, 3]
[programs.failing]
command = [${node}, "${BIN}/crash-after.js", "0", "2"]
restart = "on-failure"
backoff = { initial = "50ms", jitter = 0 }
`, async (supd) => {
      const once = await supd.waitForState('once:0', 'exited');
      assert.equal(once.exit_code, 1);
      assert.equal(once.restarts, 0);
      const clean = await supd.waitForState('clean:0', 'exited');
      assert.equal(clean.exit_code, 3);
      const failing = await supd.waitForState('failing:0', (p) => p.restarts >= 2);
      assert.equal(failing.exit_code, 2);
      assert.equal((await supd.proc('once:0')).restarts, 0, 'never is never restarted');
    });
  });

  test('a child that ignores SIGTERM is SIGKILLed after stop_timeout; its grandchild dies with its group', async () => {
    await withSupd(`
[programs.stubborn]
command = [${node}, "${BIN}/ignore-sigterm.js"]
stop_timeout = "500ms"
start_secs = "0"
[programs.family]
command = ["${BIN}/spawn-grandchild.sh", "grandchild.pid"]
start_secs = "0"
`, async (supd) => {
      await supd.waitForState('stubborn:0', 'running');
      const grandchild = await waitFor(() => Number(readLines(path.join(supd.dir, 'grandchild.pid'))[0]) || null, { what: 'grandchild pid' });
      assert.ok(isAlive(grandchild));
      const began = Date.now();
      const stop = await supd.cli('stop', 'stubborn', 'family');
      assert.equal(stop.code, 0, stop.stderr);
      assert.ok(Date.now() - began >= 450, 'waited for stop_timeout');
      const stubborn = await supd.proc('stubborn:0');
      assert.equal(stubborn.state, 'stopped');
      assert.equal(stubborn.exit_signal, 'SIGKILL');
      await waitFor(() => !isAlive(grandchild), { timeoutMs: 2000, what: 'grandchild gone' });
    });
  });

  test('scale up and down keeps the untouched pids', async () => {
    await withSupd(`
[programs.pool]
command = [${node}, "${BIN}/forever.js"]
processes = 2
start_secs = "100ms"
`, async (supd) => {
      await supd.waitForState('pool:1', 'running');
      const before = await supd.status();
      const up = await supd.cli('scale', 'pool', '4');
      assert.equal(up.code, 0, up.stderr);
      assert.match(up.stdout, /scaled pool 2 -> 4/);
      const after = await supd.status();
      assert.deepEqual(after.processes.map((p) => p.name), ['pool:0', 'pool:1', 'pool:2', 'pool:3']);
      assert.equal(after.processes[0]!.pid, before.processes[0]!.pid);
      assert.equal(after.processes[1]!.pid, before.processes[1]!.pid);
      assert.ok(after.processes.every((p) => p.state === 'running'));
      const down = await supd.cli('scale', 'pool', '1');
      assert.equal(down.code, 0, down.stderr);
      const last = await supd.status();
      assert.deepEqual(last.processes.map((p) => p.name), ['pool:0']);
      assert.equal(last.processes[0]!.pid, before.processes[0]!.pid);
      for (const gone of after.processes.slice(1)) assert.ok(!isAlive(gone.pid!), `${gone.name} stopped`);
    });
  });

  test('kill -9 of supd leaves no child after 2 s, and a restarted supd runs exact counts', async (t) => {
    const config = `
[programs.pool]
command = [${node}, "${BIN}/forever.js"]
processes = 3
start_secs = "0"
[programs.family]
command = ["${BIN}/spawn-grandchild.sh", "grandchild.pid"]
start_secs = "0"
`;
    const first = await supdFor(t, config);
    await waitFor(async () => (await first.status()).processes.every((p) => p.state === 'running'), { what: 'all running' });
    const pids = (await first.status()).processes.map((p) => p.pid!);
    const grandchild = await waitFor(() => Number(readLines(path.join(first.dir, 'grandchild.pid'))[0]) || null);
    first.child.kill('SIGKILL');
    await waitFor(() => [...pids, grandchild].every((pid) => !isAlive(pid)), { timeoutMs: 2000, what: 'no orphan 2 s after kill -9' });
    await first.cleanup(true);
    const second = await supdFor(t, config, { reuse: first.temp });
    await waitFor(async () => (await second.status()).processes.every((p) => p.state === 'running'), { what: 'all running again' });
    const again = await second.status();
    assert.deepEqual(again.processes.map((p) => p.name), ['pool:0', 'pool:1', 'pool:2', 'family:0']);
    assert.ok(pids.every((pid) => !again.processes.some((p) => p.pid === pid)));
    assert.equal(countProcessesIn(first.dir, `${BIN}/forever.js`), 3, 'exactly 3 copies run in that directory, not 6');
  });

  test('a supd whose guardian died with it kills the survivors it recorded before starting again', async (t) => {
    const config = `
[programs.family]
command = ["${BIN}/spawn-grandchild.sh", "grandchild.pid"]
start_secs = "0"
`;
    const first = await supdFor(t, config);
    await first.waitForState('family:0', 'running');
    const grandchild = await waitFor(() => Number(readLines(path.join(first.dir, 'grandchild.pid'))[0]) || null);
    await waitFor(() => readLines(path.join(first.dir, '.supd', 'children')).length === 1, { what: 'the child recorded' });
    const guardian = childrenOf(first.child.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('awk'));
    assert.ok(guardian !== undefined, 'a guardian runs');
    process.kill(guardian, 'SIGKILL');
    first.child.kill('SIGKILL');
    await waitFor(() => !isAlive(first.child.pid!), { what: 'supd gone' });
    assert.ok(isAlive(grandchild), 'with the guardian gone too, the grandchild survived (the case under test)');
    // (first.cleanup() would kill the survivor itself: it waits for the end of the test)
    const second = await supdFor(t, config, { reuse: first.temp });
    await waitFor(() => !isAlive(grandchild), { timeoutMs: 2000, what: 'the survivor killed by the restarted supd' });
    assert.match(second.supdLog(), /killing family:0 \(pid \d+\) left running by a previous supd/);
    await second.waitForState('family:0', 'running');
  });

  test('a second supd run on the same state dir is refused', async () => {
    await withSupd(`
[programs.one]
command = [${node}, "${BIN}/forever.js"]
`, async (supd) => {
      const second = await runCli(['run', '-c', supd.config], { cwd: supd.dir });
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`already running \\(pid ${supd.child.pid}\\)`));
      assert.equal((await supd.status()).processes.length, 1);
    });
  });

  test('a command that cannot be executed is a failed start with the reason in status and log', async () => {
    await withSupd(`
[programs.missing]
command = "no-such-command-anywhere --flag"
backoff = { initial = "5s" }
[programs.noexec]
command = "./not-executable.sh"
backoff = { initial = "5s" }
`, { files: { 'not-executable.sh': '#!/bin/sh\necho hi\n' } }, async (supd) => {
      const missing = await supd.waitForState('missing:0', 'backoff');
      assert.match(missing.reason ?? '', /command not found: no-such-command-anywhere/);
      const noexec = await supd.waitForState('noexec:0', 'backoff');
      assert.match(noexec.reason ?? '', /not executable/);
      assert.match(supd.supdLog(), /\[missing:0\] cannot start: command not found/);
    });
  });

  test('CLI exit codes: unknown target 1, no target 2, no supervisor 3; SIGTERM stops all and exits 0', async () => {
    await withSupd(`
[programs.one]
command = [${node}, "${BIN}/forever.js"]
start_secs = "0"
`, async (supd) => {
      const pid = (await supd.waitForState('one:0', 'running')).pid!;
      assert.equal((await supd.cli('stop', 'nothing-by-this-name')).code, 1);
      assert.equal((await supd.cli('stop')).code, 2);
      assert.equal((await supd.cli('restart', 'one')).code, 0);
      const restarted = await supd.proc('one:0');
      assert.notEqual(restarted.pid, pid);
      assert.equal(restarted.restarts, 1);
      assert.equal(await supd.stop(), 0);
      assert.ok(!isAlive(restarted.pid!));
      assert.equal((await supd.cli('status')).code, 3);
    });
  });
});

function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
}

/** Live processes working in `dir` whose command line holds `text`. */
function countProcessesIn(dir: string, text: string): number {
  const all = readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d)).map(Number);
  return all.filter((pid) => {
    try {
      return isAlive(pid) && readlinkSync(`/proc/${pid}/cwd`) === dir && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  }).length;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('a program that daemonizes itself', () => {
  test('is fatal with a clear reason instead of respawning forever', async () => {
    await withSupd(`
[programs.forker]
command = [${node}, "${BIN}/daemonize.js", "daemon.pid"]
`, async (supd) => {
      await expectFatalDaemonized(supd);
      assert.match(supd.supdLog(), /\[forker:0\] it daemonized itself/);
    });
  });
});
