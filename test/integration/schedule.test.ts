import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { assertStays, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

function runs(file: string): Array<{ begin: number; end: number | null; pid: string }> {
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const byPid = new Map<string, { begin: number; end: number | null; pid: string }>();
  for (const line of lines) {
    const [kind, at, pid] = line.split(' ');
    if (kind === 'begin') byPid.set(pid!, { begin: Number(at), end: null, pid: pid! });
    else byPid.get(pid!)!.end = Number(at);
  }
  return [...byPid.values()];
}

describe('scheduled programs', () => {
  test('runs longer than the interval never overlap; skipped ticks are logged', async () => {
    await withSupd(`
[programs.report]
command = [${node}, "${BIN}/job.js"]
schedule = "* * * * * *"
env = { RUNS = "runs.log", RUN_MS = "1500" }
`, async (supd) => {
      const waiting = await supd.waitForState('report:0', (p) => p.state === 'waiting' && p.next_run !== null);
      assert.ok(Date.parse(waiting.next_run!) > Date.now() - 1000, 'next_run is ISO-8601 and ahead');
      const done = await waitFor(() => {
        const list = runs(path.join(supd.dir, 'runs.log')).filter((r) => r.end !== null);
        return list.length >= 3 ? list : null;
      }, { timeoutMs: 15_000, what: '3 finished runs' });
      for (let i = 1; i < done.length; i++) assert.ok(done[i]!.begin >= done[i - 1]!.end!, `run ${i} began after run ${i - 1} ended`);
      assert.match(supd.supdLog(), /\[report:0\] tick skipped: the previous run is still going/);
      const status = await supd.proc('report:0');
      assert.equal(status.exit_code, 0);
      assert.ok(status.last_run_ms !== null && status.last_run_ms >= 1400, `last run took ${status.last_run_ms} ms`);
    });
  });

  test('timeout kills an overlong run; supd start runs it once now', async () => {
    await withSupd(`
[programs.slow]
command = [${node}, "${BIN}/job.js"]
schedule = "0 0 1 1 *"
timeout = "500ms"
env = { RUNS = "runs.log", RUN_MS = "10000" }
`, async (supd) => {
      const armed = await supd.waitForState('slow:0', 'waiting');
      assert.equal(armed.pid, null);
      const began = Date.now();
      const start = await supd.cli('start', 'slow');
      assert.equal(start.code, 0, start.stderr);
      const after = await supd.waitForState('slow:0', (p) => p.state === 'waiting' && p.exit_signal !== null);
      assert.equal(after.exit_signal, 'SIGTERM');
      assert.ok(Date.now() - began < 9000, 'killed before its 10 s (its timeout is 500 ms)');
      const list = runs(path.join(supd.dir, 'runs.log'));
      assert.equal(list.length, 1);
      assert.equal(list[0]!.end, null, 'the run never reached its end');
      assert.match(supd.supdLog(), /\[slow:0\] run killed after its timeout of 500 ms/);
    });
  });

  test('supd scale of a scheduled program: 2 refused as in the config; 1 -> 0 -> 1 runs on its schedule again', async () => {
    await withSupd(`
[programs.job]
command = ["/bin/sh", "-c", "echo run >> runs.log"]
schedule = "* * * * * *"
`, async (supd) => {
      const runs = (): number => {
        try {
          return readFileSync(path.join(supd.dir, 'runs.log'), 'utf8').split('\n').length - 1;
        } catch {
          return 0;
        }
      };
      await waitFor(() => runs() >= 1, { timeoutMs: 5000, what: 'job:0 ran' });
      const two = await supd.cli('scale', 'job', '2');
      assert.equal(two.code, 2, two.stdout);
      assert.match(two.stderr, /job is a scheduled program: it runs one process at a time \(scale it to 0 or 1\)/);
      const zero = await supd.cli('scale', 'job', '0');
      assert.equal(zero.code, 0, zero.stderr);
      const atZero = runs();
      await assertStays(() => runs() === atZero, 2500, 'no run while scaled to 0');
      const one = await supd.cli('scale', 'job', '1');
      assert.equal(one.code, 0, one.stderr);
      const waiting = await supd.waitForState('job:0', (p) => p.state === 'waiting' && p.next_run !== null);
      assert.ok(Date.parse(waiting.next_run!) > Date.now() - 1000, 'job:0 has its next run again');
      await waitFor(() => runs() >= atZero + 2, { timeoutMs: 6000, what: 'the new job:0 ran twice on its schedule' });
    });
  });
});
