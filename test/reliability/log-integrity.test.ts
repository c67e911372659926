// Log integrity under load: 10 chatty children (5,000 numbered lines a second each, 20,000 in
// the soak; lines of 20-220 bytes), logs rotating every 64 KB and gzipped, half of them with timestamps, for 8 s
// (30 s in the soak). Then a clean shutdown, and every line of every child must be in its
// files exactly once, whole, and in order.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkNumberedLines, readLogSet, readProgress } from '../helpers/numbered-lines.js';
import { FIXTURES } from '../helpers/paths.js';
import { MB, rssOf, samplePeakRss } from '../helpers/procfs.js';
import { reportFigures, sized } from '../helpers/soak.js';
import { withSupd } from '../helpers/supd.js';
import { assertStays, waitFor } from '../helpers/wait-for.js';

const RUN_MS = sized(8_000, 30_000);
/** Lines per child every 10 ms: 5,000 a second (20,000 in the soak). */
const BURST = sized(50, 200);
const NUMBERED = path.join(FIXTURES, 'bin', 'numbered.js');
const node = JSON.stringify(process.execPath);
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /gm;

test(`log integrity: 10 chatty children, rotation every 64 KB, ${RUN_MS / 1000} s: every line once, whole, in order`, { timeout: RUN_MS + 90_000 }, async (t) => {
  await withSupd(`
[supervisor]
shutdown_timeout = "20s"

[defaults]
start_secs = "0"
stop_timeout = "15s"

[programs.plain]
command = [${node}, "${NUMBERED}", "progress.log", "${BURST}"]
processes = 5
stdout = { max_size = "64K", keep = 100000, compress = true }

[programs.stamped]
command = [${node}, "${NUMBERED}", "progress.log", "${BURST}"]
processes = 5
stdout = { max_size = "64K", keep = 100000, compress = true, timestamps = true }
`, async (supd) => {
    await waitFor(async () => (await supd.status()).processes.every((p) => p.state === 'running'), { timeoutMs: 20_000, what: 'all 10 running' });
    const peak = samplePeakRss(supd.child.pid!);
    const rssBefore = rssOf(supd.child.pid!);
    const status = await assertStays(async () => {
      const report = await supd.status();
      return report.processes.every((p) => p.state === 'running' && p.restarts === 0) ? report : null;
    }, RUN_MS, 'no child restarted meanwhile', 500);
    const peakRss = peak.stop();
    assert.equal(await supd.stop(), 0, 'a clean shutdown');

    const progress = readProgress(path.join(supd.dir, 'progress.log'));
    let lines = 0;
    let files = 0;
    for (const proc of status.processes) {
      const file = path.join(supd.dir, 'logs', `${proc.name.replace(':', '-')}.out.log`);
      const content = readLogSet(file).toString('latin1');
      const stamped = proc.program === 'stamped';
      const check = checkNumberedLines(stamped ? content.replace(STAMP, '') : content);
      if (stamped) assert.equal(content.match(STAMP)?.length, check.lines, `${proc.name}: a stamp on every line`);
      assert.deepEqual(check.broken.slice(0, 5), [], `${proc.name}: lines cut or glued`);
      assert.deepEqual([...check.runs.keys()], [proc.pid], `${proc.name}: only its own lines`);
      const run = check.runs.get(proc.pid!)!;
      const end = progress.get(proc.pid!)?.end;
      assert.ok(end !== null && end !== undefined && end > 0, `${proc.name} recorded its end`);
      assert.deepEqual(
        { first: run.first, last: run.last, count: run.count, missing: run.missing, outOfOrder: run.outOfOrder },
        { first: 1, last: end, count: end, missing: 0, outOfOrder: 0 },
        `${proc.name}: every line from 1 to ${end} exactly once, in order`,
      );
      lines += check.lines;
      files += readdirCount(file);
    }
    reportFigures(t, {
      'seconds of output': RUN_MS / 1000,
      'lines checked (each once, whole, in order)': lines,
      'log files (rotated and live)': files,
      'supd RSS before / peak MB': `${(rssBefore / MB).toFixed(1)} / ${(peakRss / MB).toFixed(1)}`,
    });
  });
});

function readdirCount(file: string): number {
  const base = path.basename(file);
  return readdirSync(path.dirname(file)).filter((n) => n === base || n.startsWith(`${base}.`)).length;
}
