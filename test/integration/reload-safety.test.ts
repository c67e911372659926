// Issue 14: what a reload (and restart) must never do by accident: run a scheduled job at
// once, remove everything on a truncated file, or lose its summary.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const forever = (name: string, extra = ''): string => `
[programs.${name}]
command = [${node}, "${BIN}/forever.js"]
start_secs = "200ms"
${extra}
`;
// Once a year at 03:00 on 1 January: a run during the test can only come from a reload or restart.
const nightly = (runs: string, arg = 'a'): string => `
[programs.nightly]
command = [${node}, "${BIN}/job.js", "${arg}"]
schedule = "0 3 1 1 *"
env = { RUNS = "${runs}", RUN_MS = "50" }
`;
const runCount = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('begin')).length : 0);

describe('reload safety', () => {
  test('reload and restart re-arm a scheduled program, never run it; supd start runs it now', async () => {
    await withSupd(forever('web') + nightly('runs.log'), async (supd) => {
      const runs = path.join(supd.dir, 'runs.log');
      await supd.waitForState('nightly:0', 'waiting');
      writeFileSync(supd.config, forever('web') + nightly('runs.log', 'b') + nightly('runs.log').replace('programs.nightly', 'programs.added'));
      const reload = await supd.cli('reload');
      assert.equal(reload.code, 0, reload.stderr);
      assert.match(reload.stdout, /changed nightly/);
      assert.match(reload.stdout, /added added/);
      const restart = await supd.cli('restart', 'all');
      assert.equal(restart.code, 0, restart.stderr);
      await supd.waitForState('added:0', 'waiting');
      const after = await supd.proc('nightly:0');
      assert.equal(after.state, 'waiting');
      assert.ok(after.next_run !== null, 'armed: it has a next run');
      assert.equal(runCount(runs), 0, 'no run from reload or restart');
      const start = await supd.cli('start', 'nightly');
      assert.equal(start.code, 0, start.stderr);
      await waitFor(() => runCount(runs) === 1, { what: 'the explicit run' });
      await supd.waitForState('nightly:0', 'waiting');
      assert.equal(runCount(runs), 1);
    });
  });

  test('a file with no programs while programs run is refused, exit 2, nothing changed; every reload is summed up in supd.log', async () => {
    await withSupd(forever('web') + forever('api'), async (supd) => {
      const web = await supd.waitForState('web:0', 'running');
      writeFileSync(supd.config, '');
      const empty = await supd.cli('reload');
      assert.equal(empty.code, 2, empty.stdout);
      assert.match(empty.stderr, /reload refused: the file has no programs; supd shutdown stops everything/);
      writeFileSync(supd.config, '[supervisor]\nlog_level = "info"\n');
      supd.child.kill('SIGHUP');
      await waitFor(() => (supd.supdLog().match(/reload refused: the file has no programs/g) ?? []).length === 2, { what: 'the SIGHUP refusal in supd.log' });
      assert.equal((await supd.proc('web:0')).pid, web.pid, 'web untouched');
      assert.equal((await supd.status()).processes.length, 2);
      writeFileSync(supd.config, forever('web'));
      const removed = await supd.cli('reload');
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(removed.stdout.trim().split('\n'), ['unchanged web', 'removed api']);
      assert.match(supd.supdLog(), /reload: unchanged web\n.*reload: removed api/);
    });
  });

  test('reload --dry-run and check --diff print the lines a reload would print and change nothing', async () => {
    await withSupd(forever('web', 'env = { A = "1" }') + forever('api', 'processes = 2') + forever('old'), async (supd) => {
      const before = await waitFor(async () => {
        const r = await supd.status();
        return r.processes.every((p) => p.state === 'running') ? r : null;
      }, { what: 'all running' });
      writeFileSync(supd.config, forever('web', 'env = { A = "2" }') + forever('api', 'processes = 3\nstop_timeout = "3s"') + forever('new'));
      const dry = await supd.cli('reload', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      const expected = ['changed web (restarted 1)', 'changed api (scaled 2 -> 3, applied without restart)', 'added new', 'removed old'];
      assert.deepEqual(dry.stdout.trim().split('\n'), expected);
      const diff = await supd.cli('check', '--diff');
      assert.equal(diff.code, 0, diff.stderr);
      assert.deepEqual(diff.stdout.trim().split('\n'), ['ok: 3 programs, 5 processes', ...expected]);
      const after = await supd.status();
      assert.deepEqual(after.processes.map((p) => [p.name, p.pid]), before.processes.map((p) => [p.name, p.pid]), 'nothing changed');
      assert.doesNotMatch(supd.supdLog(), /reload: /, 'no reload happened');
      const real = await supd.cli('reload');
      assert.deepEqual(real.stdout.trim().split('\n'), expected, 'the real reload printed the same');
    });
  });

  test('a state_dir changed in the file: the CLI still reaches the running supd, and reload says it needs a restart of supd', async () => {
    await withSupd(forever('web'), async (supd) => {
      const web = await supd.waitForState('web:0', 'running');
      writeFileSync(supd.config, `[supervisor]\nstate_dir = "moved-state"\n${forever('web')}`);
      const reload = await supd.cli('reload');
      assert.equal(reload.code, 0, reload.stderr);
      assert.equal(reload.stdout.trim(), 'unchanged web');
      assert.match(reload.stderr, /refused supervisor\.state_dir: cannot change while supd runs \(restart supd to apply it\)/);
      assert.match(reload.stderr, /the running supd listens on .*\/\.supd\/supd\.sock: restart supd to move it/);
      const status = await supd.cli('status', '--json');
      assert.equal(status.code, 0, status.stderr);
      assert.equal((JSON.parse(status.stdout) as { processes: Array<{ pid: number }> }).processes[0]!.pid, web.pid);
      assert.equal(await supd.stop(), 0);
      assert.ok(!existsSync(path.join(supd.dir, '.daemons.toml.supd')), 'the record is gone with supd');
    });
  });
});
