// Issue 14: what a reload (and restart) must never do by accident: run a scheduled job at
// once, remove everything on a truncated file, or lose its summary.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { startSupd } from '../helpers/supd.js';
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
    const supd = await startSupd(forever('web') + nightly('runs.log'));
    const runs = path.join(supd.dir, 'runs.log');
    try {
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
    } finally {
      await supd.cleanup();
    }
  });
});
