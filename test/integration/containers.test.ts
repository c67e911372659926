// supd as PID 1 of a new PID namespace, as in a container (SPEC section 7): orphans reaped,
// SIGTERM stops everything within the stop timeouts and exits 0, an essential program's end is
// supd's exit code. Root only (unshare --pid); SKIP with the reason elsewhere.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pidNamespaceSkip, startInPidNamespace } from '../helpers/pid-namespace.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';
import { withCleanup } from '../helpers/with-cleanup.js';

const skip = pidNamespaceSkip();
const ORPHANS = 1000;

// Forks COUNT short-lived orphans (a subshell that leaves a `sleep 0.2` behind and exits), then
// marks the file "forked" and stays up.
function orphanMaker(count: number): string {
  return `
[programs.orphans]
command = ["/bin/sh", "-c", "i=0; while [ $i -lt ${count} ]; do (sleep 0.2 &); i=$((i+1)); done; touch forked; exec sleep 1000"]
start_secs = "0"
stop_timeout = "2s"
`;
}

test(`PID 1: ${ORPHANS} orphaned grandchildren that exit leave 0 zombies after 1 s (tini reaps them)`, { skip, timeout: 120_000 }, async () => {
  await withCleanup(startInPidNamespace(orphanMaker(ORPHANS)), async (supd) => {
    await supd.pid1();
    await waitFor(() => existsSync(path.join(supd.temp.dir, 'forked')), { timeoutMs: 90_000, what: `${ORPHANS} orphans forked` });
    // Every orphan has ended (no sleep 0.2 left alive); within 1 s more, each is reaped (none
    // exits after, so a namespace without a zombie stays so).
    await waitFor(() => supd.procs().filter((p) => p.comm === 'sleep' && p.state !== 'Z').length === 1, { timeoutMs: 30_000, what: 'the orphans to end' });
    const procs = await waitFor(() => {
      const now = supd.procs();
      return now.some((p) => p.state === 'Z') ? null : now;
    }, { timeoutMs: 1000, what: 'no zombie in the namespace' });
    assert.ok(procs.some((p) => p.comm === 'tini'), 'tini runs in the namespace');
    assert.doesNotMatch(supd.output(), /found no tini/);
  });
});

test('PID 1 without a reaper (SUPD_NO_REAPER=1): the orphans stay zombies, and supd says so once at start, with the fix', { skip, timeout: 60_000 }, async () => {
  await withCleanup(startInPidNamespace(orphanMaker(50), { SUPD_NO_REAPER: '1' }), async (supd) => {
    await supd.pid1();
    await waitFor(() => existsSync(path.join(supd.temp.dir, 'forked')), { timeoutMs: 30_000, what: 'orphans forked' });
    const zombies = await waitFor(() => {
      const count = supd.procs().filter((p) => p.state === 'Z').length;
      return count >= 50 ? count : null;
    }, { timeoutMs: 10_000, what: 'the unreaped orphans' });
    assert.ok(zombies >= 50, 'the test can see zombies: what tini prevents above');
    assert.equal(supd.output().match(/is PID 1 without a reaper/g)?.length, 1, 'said once');
    assert.match(supd.output(), /docker run --init/);
  });
});

test('PID 1: SIGTERM stops every program (a stubborn one by SIGKILL after stop_timeout) and the namespace ends with exit 0 within stop_timeout + 1 s; SIGHUP reaches supd, not the programs', { skip, timeout: 60_000 }, async () => {
  await withCleanup(startInPidNamespace(`
[defaults]
start_secs = "0"
stop_timeout = "2s"

[programs.polite]
command = ["/bin/sh", "-c", "trap 'echo hup >> hup-seen' HUP; while :; do sleep 0.1; done"]
processes = 2

[programs.stubborn]
command = ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"]
`), async (supd) => {
    const pid1 = await supd.pid1();
    await waitFor(async () => {
      const status = await supd.cli('status', '--json');
      return status.code === 0 && (JSON.parse(status.stdout) as { processes: Array<{ state: string }> }).processes.every((p) => p.state === 'running');
    }, { timeoutMs: 30_000, what: 'every program running' });
    process.kill(pid1, 'SIGHUP');
    await waitFor(() => supd.output().includes('SIGHUP: reloading the config'), { what: 'supd to get the SIGHUP' });
    const sent = Date.now();
    process.kill(pid1, 'SIGTERM');
    const exit = await supd.exited;
    assert.deepEqual([exit.code, exit.signal], [0, null], supd.output());
    assert.ok(exit.at - sent <= 3000, `ended ${exit.at - sent} ms after SIGTERM (stop_timeout 2 s + 1 s)`);
    const log = readFileSync(path.join(supd.temp.dir, 'logs', 'supd.log'), 'utf8');
    for (const name of ['polite:0', 'polite:1', 'stubborn:0']) assert.match(log, new RegExp(`\\[${name}\\] stopping: sent SIGTERM`));
    assert.match(log, /\[stubborn:0\] did not exit within 2000 ms of SIGTERM: sending SIGKILL/);
    assert.match(log, /all processes stopped/);
    assert.equal(existsSync(path.join(supd.temp.dir, 'hup-seen')), false, 'the SIGHUP went to supd alone');
  });
});

for (const [how, command, code] of [
  ['exits 3', 'sleep 0.5; exit 3', 3],
  ['is killed by SIGKILL', 'sleep 0.5; kill -9 $$$$', 137],
] as const) {
  test(`PID 1: an essential program that ${how} stops everything and PID 1 exits ${code}`, { skip, timeout: 60_000 }, async () => {
    await withCleanup(startInPidNamespace(`
[programs.app]
command = ["/bin/sh", "-c", "${command}"]
essential = true
restart = "never"
start_secs = "0"
depends_on = ["db"]

[programs.db]
command = ["sleep", "1000"]
start_secs = "0"
`), async (supd) => {
      await supd.pid1();
      const exit = await supd.exited;
      assert.deepEqual([exit.code, exit.signal], [code, null], supd.output());
      assert.match(supd.output(), new RegExp(`essential program app:0 (exited with code 3|was killed by SIGKILL) \\(supd exits ${code}\\)`));
      assert.match(supd.output(), /\[db:0\] stopping: sent SIGTERM/);
    });
  });
}

test('essential (not PID 1): a fatal essential program makes supd exit 1 after stopping the rest in dependency order; a stopped one does nothing', async () => {
  await withSupd(`
[programs.db]
command = ["sleep", "1000"]
start_secs = "0"

[programs.api]
command = ["sleep", "1000"]
start_secs = "0"
depends_on = ["db"]
essential = true

[programs.broken]
command = ["/bin/sh", "-c", "exit 0"]
essential = true
start_secs = "5s"
max_restarts = 1
backoff = { initial = "100ms" }
autostart = false
`, async (supd) => {
    await supd.waitForState('api:0', 'running');
    assert.equal((await supd.cli('stop', 'api')).code, 0);
    assert.equal((await supd.proc('db:0')).state, 'running', 'stopping an essential program by hand is no end');
    const exited = new Promise<number | null>((resolve) => supd.child.once('exit', resolve));
    await supd.cli('start', 'broken');
    const code = supd.child.exitCode ?? (await exited);
    assert.equal(code, 1, supd.output());
    const log = supd.supdLog();
    assert.match(log, /essential program broken:0 is fatal/);
    assert.ok(log.indexOf('[db:0] stopping') > 0, 'db stopped');
  });
});
