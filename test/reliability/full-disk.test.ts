// A full disk under the log dir (a 1 MB tmpfs this test mounts; root only): the children keep
// running and supd keeps answering, the error is said (on stderr, as supd.log is on the full
// disk too), and once space returns both the processes' logs and supd.log are written again,
// with every line in them whole.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkNumberedLines, readLogSet, readProgress } from '../helpers/numbered-lines.js';
import { FIXTURES } from '../helpers/paths.js';
import { reportFigures } from '../helpers/soak.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir } from '../helpers/temp.js';
import { assertStays, waitFor } from '../helpers/wait-for.js';

const node = JSON.stringify(process.execPath);
const NUMBERED = path.join(FIXTURES, 'bin', 'numbered.js');

function mountTmpfs(dir: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `cannot mount a tmpfs here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
}

/** Writes zeros into `file` until the disk is full; returns the bytes it took. */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096);
  let total = 0;
  try {
    for (;;) total += writeSync(fd, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return total;
}

test('a full disk for the log dir: children run on, the error is said, writing resumes when space returns', { timeout: 60_000 }, async (t) => {
  const temp = makeTempDir();
  const logs = path.join(temp.dir, 'logs');
  mkdirSync(logs);
  const cannotMount = mountTmpfs(logs);
  if (cannotMount !== null) {
    temp.remove();
    return t.skip(cannotMount);
  }
  t.after(() => {
    execFileSync('umount', ['-l', logs], { stdio: 'ignore' });
    temp.remove();
  });
  await withSupd(`
[programs.chatty]
command = [${node}, "${NUMBERED}", "progress.log", "5"]
start_secs = "0"
stdout = { max_size = "128K", keep = 100, compress = true }

[programs.idle]
command = ["sleep", "2147483640"]
start_secs = "0"
`, { reuse: temp, keepDir: true }, async (supd) => {
    const chatty = await supd.waitForState('chatty:0', 'running');
    const file = path.join(logs, 'chatty-0.out.log');
    await waitFor(() => checkNumberedLines(readLogSet(file)).lines > 100, { what: 'lines in the log' });

    const filler = path.join(logs, 'filler');
    const filled = fillDisk(filler);
    const progress = path.join(temp.dir, 'progress.log');
    const markAtFull = readProgress(progress).get(chatty.pid!)!.marks.at(-1)![0];
    await waitFor(() => /cannot write .*chatty-0\.out\.log: ENOSPC/.test(supd.output()), { timeoutMs: 5000, what: 'the ENOSPC said on stderr' });
    // Two seconds on a full disk: the child writes on (its output dropped, not blocking it).
    await waitFor(() => (readProgress(progress).get(chatty.pid!)!.marks.at(-1)![0] > markAtFull + 1000 ? true : null), { timeoutMs: 10_000, what: 'the child writing on' });
    await assertStays(async () => {
      const p = await supd.proc('chatty:0');
      return p.state === 'running' && p.pid === chatty.pid;
    }, 1000, 'chatty running on its first pid while the disk is full', 200);
    // supd answers and acts while the disk is full, and its own lines fill supd.log's last
    // block (a tmpfs page) until they meet ENOSPC too.
    for (let i = 0; i < 15; i++) assert.equal((await supd.cli('restart', 'idle')).code, 0);
    assert.match(supd.output(), /cannot write .*supd\.log: ENOSPC/);
    const during = await supd.proc('chatty:0');
    assert.deepEqual({ state: during.state, pid: during.pid, restarts: during.restarts }, { state: 'running', pid: chatty.pid, restarts: 0 });

    const spawnsLogged = (): number => readLogSet(path.join(logs, 'supd.log')).toString().split('[idle:0] spawned pid').length - 1;
    const spawnsBefore = spawnsLogged();
    rmSync(filler);
    const markAtFree = readProgress(progress).get(chatty.pid!)!.marks.at(-1)![0];
    // Writing resumes: lines written after the space came back reach the file, and supd.log too.
    await waitFor(() => (checkNumberedLines(readLogSet(file)).runs.get(chatty.pid!)?.last ?? 0) > markAtFree + 100, { timeoutMs: 10_000, what: 'the log written again' });
    assert.equal((await supd.cli('restart', 'idle')).code, 0);
    await waitFor(() => spawnsLogged() > spawnsBefore, { timeoutMs: 5000, what: 'supd.log written again' });

    assert.equal(await supd.stop(), 0);
    const check = checkNumberedLines(readLogSet(file));
    const supdLines = readLogSet(path.join(logs, 'supd.log')).toString('utf8').split('\n').filter(Boolean);
    const brokenSupdLines = supdLines.filter((l) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) /.test(l));
    assert.deepEqual(check.broken.slice(0, 3), [], 'lines in the process log cut or glued');
    assert.deepEqual(brokenSupdLines.slice(0, 3), [], 'lines in supd.log cut or glued');
    const run = check.runs.get(chatty.pid!)!;
    assert.equal(run.outOfOrder, 0);
    reportFigures(t, {
      'bytes it took to fill the disk': filled,
      'lines dropped while full': run.missing,
      'lines kept (whole, in order)': check.lines,
      'supd.log lines (whole)': supdLines.length,
    });
  });
});
