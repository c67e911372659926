// Faults around the processes: a working directory deleted, a command replaced by a file that
// cannot run, a user deleted (as root), a child stopped and continued, a child that closes its
// output early, a shell that backgrounds its worker and exits, and a config that cannot be
// read on reload. Each a clear reason where it fails, and nothing else disturbed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { cmdlineOf, processesWithEnv, readProc } from '../helpers/procfs.js';
import { readProgress } from '../helpers/numbered-lines.js';
import { reportFigures } from '../helpers/soak.js';
import { startSupd, type SupdUnderTest } from '../helpers/supd.js';
import { assertStays, isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const isRoot = process.getuid?.() === 0;
const ghost = `supd-rel-${process.pid}`;

describe('faults', () => {
  let supd: SupdUnderTest;
  let userAdded = false;

  before(async () => {
    if (isRoot) {
      execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', ghost]);
      userAdded = true;
    }
    supd = await startSupd(
      `
[defaults]
start_secs = "200ms"
backoff = { initial = "5s", jitter = 0 }
stop_timeout = "1s"

[programs.inwork]
command = ["sleep", "2147483641"]
cwd = "work"

[programs.tool]
command = "./tool.sh"

[programs.stoppable]
command = [${node}, "${BIN}/numbered.js", "progress.log", "1"]

[programs.closer]
command = ["sh", "-c", "echo before the close; exec >&- 2>&-; exec sleep 2147483642"]

[programs.closer-exits]
command = ["sh", "-c", "echo bye; exec >&- 2>&-; sleep 0.5; exit 3"]
start_secs = "0"

[programs.backgrounds]
command = ["sh", "-c", "sleep 2147483643 & exit 0"]
${isRoot ? `\n[programs.ghost]\ncommand = ["sleep", "2147483644"]\nuser = "${ghost}"\n` : ''}`,
      { files: { 'work/.keep': '', 'tool.sh': '#!/bin/sh\nexec sleep 2147483640\n' } },
    );
    chmodSync(path.join(supd.dir, 'tool.sh'), 0o755);
    await supd.cli('restart', 'tool');
    for (const name of ['inwork:0', 'tool:0', 'stoppable:0', 'closer:0']) await supd.waitForState(name, 'running');
  });

  after(async () => {
    await supd.cleanup();
    if (userAdded) execFileSync('userdel', [ghost], { stdio: 'ignore' });
  });

  test('a deleted working directory: the running process carries on; the next start fails with the reason', async () => {
    const before = await supd.proc('inwork:0');
    rmSync(path.join(supd.dir, 'work'), { recursive: true });
    assert.ok(isAlive(before.pid!), 'the process in it runs on');
    const restart = await supd.cli('restart', 'inwork');
    assert.equal(restart.code, 1);
    const failed = await supd.waitForState('inwork:0', 'backoff');
    assert.match(failed.reason ?? '', /working directory does not exist: .*\/work/);
    assert.match(supd.supdLog(), /\[inwork:0\] cannot start: working directory does not exist/);
    mkdirSync(path.join(supd.dir, 'work'));
    assert.equal((await supd.cli('start', 'inwork')).code, 0, 'it starts again once the directory is back');
  });

  test('a command replaced by a file that is not executable: a failed start with the reason', async () => {
    const tool = path.join(supd.dir, 'tool.sh');
    rmSync(tool);
    writeFileSync(tool, '#!/bin/sh\nexec sleep 2147483640\n', { mode: 0o644 });
    assert.equal((await supd.cli('restart', 'tool')).code, 1);
    const failed = await supd.waitForState('tool:0', 'backoff');
    assert.match(failed.reason ?? '', /not executable: .*tool\.sh/);
    assert.match(supd.supdLog(), /\[tool:0\] cannot start: not executable/);
  });

  test('a user deleted while its process runs: the next start fails with the reason', { skip: isRoot ? false : 'needs root (useradd, user switching)' }, async () => {
    const running = await supd.waitForState('ghost:0', 'running');
    const uid = Number(execFileSync('id', ['-u', ghost], { encoding: 'utf8' }));
    assert.match(readFileSync(`/proc/${running.pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
    execFileSync('userdel', ['--force', ghost], { stdio: 'ignore' });
    userAdded = false;
    assert.equal((await supd.cli('restart', 'ghost')).code, 1);
    const failed = await supd.waitForState('ghost:0', 'backoff');
    assert.equal(failed.reason, `no such user: ${ghost}`);
    assert.match(supd.supdLog(), new RegExp(`\\[ghost:0\\] cannot start: no such user: ${ghost}`));
  });

  test('SIGSTOP is not an exit: the stopped child keeps its pid and state, and goes on after SIGCONT', async (t) => {
    const { pid } = await supd.proc('stoppable:0');
    const progress = path.join(supd.dir, 'progress.log');
    process.kill(pid!, 'SIGSTOP');
    await waitFor(() => readProc(pid!)?.state === 'T', { what: 'the child stopped' });
    const markAtStop = lastMark(progress, pid!);
    // Over a second (five times start_secs) nothing moves.
    await assertStays(async () => {
      const seen = await supd.proc('stoppable:0');
      return seen.state === 'running' && seen.pid === pid && seen.restarts === 0 && lastMark(progress, pid!) === markAtStop;
    }, 1000, 'stoppable:0 running on its pid, 0 restarts, writing nothing while stopped', 200);
    assert.equal(lastMark(progress, pid!), markAtStop, 'a stopped child writes nothing');
    process.kill(pid!, 'SIGCONT');
    await waitFor(() => lastMark(progress, pid!) > markAtStop, { what: 'the child writing again' });
    // A stop of a stopped child: SIGTERM waits in the kernel, SIGKILL after stop_timeout ends it.
    process.kill(pid!, 'SIGSTOP');
    const began = Date.now();
    assert.equal((await supd.cli('stop', 'stoppable')).code, 0);
    const stopped = await supd.proc('stoppable:0');
    assert.deepEqual({ state: stopped.state, signal: stopped.exit_signal }, { state: 'stopped', signal: 'SIGKILL' });
    reportFigures(t, { 'stop of a stopped child took ms': Date.now() - began });
  });

  test('a child that closes its stdout and stderr early runs on, and its exit is still seen', async () => {
    const closer = await supd.proc('closer:0');
    await assertStays(async () => {
      const p = await supd.proc('closer:0');
      return p.state === 'running' && p.pid === closer.pid;
    }, 500, 'closer:0 running on its pid after closing its stdout and stderr');
    assert.match(readFileSync(path.join(supd.dir, 'logs', 'closer-0.out.log'), 'utf8'), /before the close/);
    const exited = await supd.waitForState('closer-exits:0', (p) => p.restarts >= 1 && p.exit_code === 3, 10_000);
    assert.equal(exited.exit_signal, null);
    assert.equal((await supd.cli('stop', 'closer')).code, 0);
    assert.ok(!isAlive(closer.pid!));
  });

  // The worker keeps the shell's stdout, so the exit is reported only 250 ms later, after
  // start_secs (200 ms): supd used to take it for a run that had started, and respawn the
  // shell every time, each leaving one more worker behind.
  test('a shell that backgrounds its worker (holding the pipes) and exits 0 is fatal with the reason, not respawned', async () => {
    const fatal = await supd.waitForState('backgrounds:0', 'fatal');
    const leftover = Number(/leaving pid (\d+) running/.exec(fatal.reason ?? '')?.[1]);
    assert.match(fatal.reason ?? '', /daemonized itself: exited at once with status 0/);
    assert.equal(fatal.restarts, 0);
    // kill_mode = "mixed" (the default): the worker is killed with its shell, never left untracked.
    assert.match(supd.supdLog(), new RegExp(`\\[backgrounds:0\\] killed 1 leftover process of backgrounds:0 \\(pid ${leftover}\\)`));
    const workers = processesWithEnv('SUPD_TEST_DIR', supd.dir).filter((p) => /sleep 2147483643$/.test(cmdlineOf(p.pid)));
    assert.deepEqual(workers.map((p) => p.pid), [], 'no worker left, not one per respawn');
  });

  test('a config that cannot be read on reload: exit 2 with the reason, nothing changes', async (t) => {
    // Those that do not exit on their own (closer-exits does, every half second).
    const steady = ['inwork:0', 'closer:0', 'ghost:0', 'backgrounds:0'];
    const pidsOf = async () => (await supd.status()).processes.filter((p) => steady.includes(p.name)).map((p) => `${p.name} ${p.state} ${p.pid}`);
    const before = await pidsOf();
    const config = supd.config;
    const aside = `${config}.aside`;
    renameSync(config, aside);
    try {
      const missing = await supd.cli('reload', '--socket', path.join(supd.dir, '.supd', 'supd.sock'));
      assert.equal(missing.code, 2, missing.stderr);
      assert.match(missing.stderr, /cannot read the config file: ENOENT/);
      mkdirSync(config);
      const directory = await supd.cli('reload');
      assert.equal(directory.code, 2, directory.stderr);
      assert.match(directory.stderr, /cannot read the config file: EISDIR/);
      rmSync(config, { recursive: true });
    } finally {
      renameSync(aside, config);
    }
    assert.match(supd.supdLog(), /reload refused, nothing changed: .*cannot read the config file/);
    assert.deepEqual(await pidsOf(), before);
    const reload = await supd.cli('reload');
    assert.equal(reload.code, 0, reload.stderr);
    reportFigures(t, { 'processes untouched by the refused reloads': before.length });
  });
});

function lastMark(progressFile: string, pid: number): number {
  return readProgress(progressFile).get(pid)?.marks.at(-1)?.[0] ?? 0;
}
