import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { StatusReport } from '../../src/control/protocol.js';
import { FIXTURES } from '../helpers/paths.js';
import { spawnCli, withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { assertStays, isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const program = (name: string, extra = ''): string => `
[programs.${name}]
command = [${node}, "${BIN}/forever.js"]
${extra.includes('start_secs') ? '' : 'start_secs = "200ms"'}
${extra}
`;

const before = program('a') + program('b', 'env = { TEST_COLOR = "red" }') + program('c', 'processes = 2');
const after = program('b', 'env = { TEST_COLOR = "blue" }') + program('c', 'processes = 3') + program('d');

const pidsOf = (report: StatusReport): Record<string, number | null> => Object.fromEntries(report.processes.map((p) => [p.name, p.pid]));
const allRunning = (supd: SupdUnderTest) => waitFor(async () => {
  const report = await supd.status();
  return report.processes.every((p) => p.state === 'running') ? report : null;
}, { what: 'all running' });

function lastJsonLine(file: string): { pid: number; color: string | null } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return JSON.parse(lines.at(-1)!);
}

describe('reload', () => {
  test('supd reload applies only what changed and says so', async () => {
    await withSupd(before, async (supd) => {
      const old = pidsOf(await allRunning(supd));
      writeFileSync(supd.config, after);
      const result = await supd.cli('reload');
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), ['changed b (restarted 1)', 'scaled c 2 -> 3', 'added d', 'removed a']);
      const report = await allRunning(supd);
      const now = pidsOf(report);
      assert.deepEqual(Object.keys(now), ['b:0', 'c:0', 'c:1', 'c:2', 'd:0']);
      assert.ok(!isAlive(old['a:0']!), 'a stopped');
      assert.notEqual(now['b:0'], old['b:0'], 'b restarted');
      assert.equal(lastJsonLine(path.join(supd.dir, 'logs', 'b-0.out.log')).color, 'blue', 'with the new env');
      assert.equal(now['c:0'], old['c:0'], 'c:0 untouched');
      assert.equal(now['c:1'], old['c:1'], 'c:1 untouched');
      assert.match(supd.supdLog(), /reload: changed b \(restarted 1\)/);
    });
  });

  test('copies a reload scales away stay away: a restart sent while they stop does not bring them back', async () => {
    // They ignore SIGTERM, so they stay `stopping` for stop_timeout: long enough for a restart to come in.
    const pool = (n: number): string => `[programs.pool]\ncommand = ["sh", "-c", "trap '' TERM; sleep 1000 & wait; sleep 1000"]\nprocesses = ${n}\nstart_secs = "0s"\nstop_timeout = "2s"\n`;
    await withSupd(pool(4), async (supd) => {
      await allRunning(supd);
      writeFileSync(supd.config, pool(2));
      const reload = spawnCli(supd, 'reload');
      const reloaded = new Promise<number | null>((resolve) => reload.on('exit', resolve));
      await supd.waitForState('pool:3', 'stopping');
      const restart = await supd.cli('restart', 'pool', '--no-wait');
      assert.equal(restart.code, 0, restart.stderr);
      assert.equal(await reloaded, 0);
      const names = async (): Promise<string> => (await supd.status()).processes.map((p) => p.name).join(' ');
      await waitFor(async () => (await names()) === 'pool:0 pool:1', { what: 'only pool:0 and pool:1 left', timeoutMs: 10_000 });
      await assertStays(async () => (await names()) === 'pool:0 pool:1', 1500, 'the scaled-away copies came back');
    });
  });

  test('an invalid file changes nothing: exit 2 with every error, every pid unchanged', async () => {
    await withSupd(before, async (supd) => {
      const old = pidsOf(await allRunning(supd));
      writeFileSync(supd.config, `${before}\n[programs.e]\ncommand = "x"\nprocesses = -1\nbogus = 1\n`);
      const result = await supd.cli('reload');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /programs\.e\.processes: must be >= 0/);
      assert.match(result.stderr, /programs\.e\.bogus: unknown key/);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.deepEqual(pidsOf(await supd.status()), old);
      assert.match(supd.supdLog(), /reload refused, nothing changed/);
    });
  });

  test('SIGHUP does the same as supd reload', async () => {
    await withSupd(before, async (supd) => {
      const old = pidsOf(await allRunning(supd));
      writeFileSync(supd.config, after);
      supd.child.kill('SIGHUP');
      const report = await waitFor(async () => {
        const r = await supd.status();
        return r.processes.map((p) => p.name).join() === 'b:0,c:0,c:1,c:2,d:0' && r.processes.every((p) => p.state === 'running') ? r : null;
      }, { what: 'the reload applied' });
      assert.equal(pidsOf(report)['c:0'], old['c:0']);
      assert.notEqual(pidsOf(report)['b:0'], old['b:0']);
      assert.match(supd.supdLog(), /reload: added d/);
      assert.ok(supd.child.exitCode === null, 'supd still runs');
    });
  });

  test('rolling restart keeps at least 3 of 4 copies running at every poll', async () => {
    const pool = (color: string) => program('pool', `processes = 4\nrestart_strategy = "rolling"\nstart_secs = "300ms"\nenv = { TEST_COLOR = "${color}" }`);
    await withSupd(pool('red'), async (supd) => {
      const old = pidsOf(await allRunning(supd));
      writeFileSync(supd.config, pool('blue'));
      const reload = supd.cli('reload');
      let polls = 0;
      let fewest = 4;
      let finished = false;
      void reload.then(() => (finished = true));
      while (!finished) {
        const running = (await supd.status()).processes.filter((p) => p.state === 'running').length;
        fewest = Math.min(fewest, running);
        polls++;
      }
      const result = await reload;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), 'changed pool (restarted 4)');
      assert.ok(polls >= 3, `polled ${polls} times`);
      assert.ok(fewest >= 3, `fewest running was ${fewest}`);
      const now = pidsOf(await supd.status());
      for (const name of Object.keys(old)) assert.notEqual(now[name], old[name], `${name} restarted`);
    });
  });
});
