import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { classifyRotated } from '../../src/logs/rotated-files.js';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const flood = (...args: Array<string | number>): string => `[${node}, "${BIN}/flood.js", ${args.map((a) => JSON.stringify(String(a))).join(', ')}]`;

/** Every line of a log: its rotated files (oldest first, gzip or plain) then the live file. */
function readLog(file: string): { text: string; files: number; compressed: number } {
  const listing = classifyRotated(file, readdirSync(path.dirname(file)));
  const parts = listing.files.map((f) => (f.compressed ? gunzipSync(readFileSync(f.path)) : readFileSync(f.path)).toString());
  for (const [i, part] of parts.entries()) assert.ok(part.endsWith('\n'), `rotated file ${listing.files[i]!.path} ends mid-line`);
  const live = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return { text: parts.join('') + live, files: parts.length, compressed: listing.files.filter((f) => f.compressed).length };
}

/** Asserts the text is exactly "<tag> 0 <filler>" .. "<tag> count-1 <filler>", one per line, in order. */
function assertNumbered(text: string, tag: string, count: number, width: number): void {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a line end');
  assert.equal(lines.length, count, `${tag}: ${lines.length} lines, not ${count}`);
  const filler = 'x'.repeat(width);
  for (let i = 0; i < count; i++) if (lines[i] !== `${tag} ${i} ${filler}`) assert.fail(`${tag}: line ${i} is ${JSON.stringify(lines[i])}`);
}

const noPlainRotated = (file: string) => () => classifyRotated(file, readdirSync(path.dirname(file))).files.every((f) => f.compressed);

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

describe('logs', () => {
  test('200,000 lines as fast as a child can write them, max_size = 100K: every line once, none cut, beside another flood', async () => {
    await withSupd(`
[programs.flood]
command = ${flood(200_000, 'a', 3)}
restart = "never"
stdout = { max_size = "100K", keep = 1000 }
[programs.other]
command = ${flood(50_000, 'b', 30)}
restart = "never"
stdout = { max_size = "1M", keep = 1000, timestamps = true }
`, async (supd) => {
      await supd.waitForState('flood:0', 'exited', 30_000);
      await supd.waitForState('other:0', 'exited', 30_000);
      const file = path.join(supd.dir, 'logs', 'flood-0.out.log');
      await waitFor(noPlainRotated(file), { timeoutMs: 20_000, what: 'rotated files compressed' });
      const log = readLog(file);
      assert.ok(log.files >= 20 && log.compressed === log.files, `rotated ${log.files}, compressed ${log.compressed}`);
      assertNumbered(log.text, 'a', 200_000, 3);
      const other = readLog(path.join(supd.dir, 'logs', 'other-0.out.log'));
      const stamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
      const unstamped = other.text.split('\n').slice(0, -1).map((line) => {
        assert.match(line, stamp);
        return line.replace(stamp, '');
      });
      assertNumbered(`${unstamped.join('\n')}\n`, 'b', 50_000, 30);
    });
  });

  test('-n reads across the rotated boundary (into a gzip file); -f follows across rotations', async () => {
    await withSupd(`
[programs.burst]
command = ${flood(60, 'n', 10)}
restart = "never"
stdout = { max_size = "300" }
[programs.slow]
command = ${flood(0, 's', 10, 15)}
stdout = { max_size = "400" }
`, async (supd) => {
      await supd.waitForState('burst:0', 'exited');
      const file = path.join(supd.dir, 'logs', 'burst-0.out.log');
      await waitFor(noPlainRotated(file), { what: 'rotated files compressed' });
      const liveLines = readFileSync(file, 'utf8').split('\n').length - 1;
      assert.ok(liveLines < 20, `the live file holds ${liveLines} lines, fewer than asked for`);
      const tail = await supd.cli('logs', 'burst', '-n', '20');
      assert.equal(tail.code, 0, tail.stderr);
      assert.equal(tail.stdout, Array.from({ length: 20 }, (_, i) => `n ${40 + i} ${'x'.repeat(10)}\n`).join(''));

      const slowFile = path.join(supd.dir, 'logs', 'slow-0.out.log');
      const rotatedBefore = classifyRotated(slowFile, readdirSync(path.dirname(slowFile))).files.length;
      const follower = spawn(process.execPath, [SUPD_BIN, 'logs', 'slow', '-f', '-n', '1', '-c', supd.config], { stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = '';
      follower.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      try {
        await waitFor(() => seen.split('\n').length > 120, { timeoutMs: 15_000, what: '120 followed lines' });
      } finally {
        follower.kill('SIGINT');
      }
      const rotatedAfter = classifyRotated(slowFile, readdirSync(path.dirname(slowFile))).files.length;
      assert.ok(rotatedAfter >= rotatedBefore + 2, `rotations while following: ${rotatedBefore} -> ${rotatedAfter}`);
      const numbers = seen.split('\n').slice(0, 120).map((line) => Number(/^s (\d+) x+$/.exec(line)![1]));
      numbers.forEach((n, i) => assert.equal(n, numbers[0]! + i, `followed line ${i}: ${n} after ${numbers[i - 1]}`));
    });
  });

  test('several targets interleave with a name prefix; --stderr; merge keeps order; false keeps no file', async () => {
    await withSupd(`
[programs.two]
command = ["sh", "-c", "echo out-$SUPD_INDEX; echo err-$SUPD_INDEX >&2; exec sleep 100"]
processes = 2
[programs.merged]
command = ["sh", "-c", "for i in 1 2 3 4 5; do echo out $i; echo err $i >&2; done; exec sleep 100"]
stderr = "merge"
[programs.mute]
command = ["sh", "-c", "echo lost; exec sleep 100"]
stdout = false
stderr = { file = "logs/mute-{index}.custom.log" }
[programs.own]
command = [${node}, "${BIN}/forever.js"]
stderr = "merge"
`, async (supd) => {
      const ownLog = path.join(supd.dir, 'logs', 'own-0.out.log');
      await waitFor(() => existsSync(ownLog) && readFileSync(ownLog, 'utf8').includes('pid'), { what: 'own output' });
      assert.equal(JSON.parse(readFileSync(ownLog, 'utf8')).pid, (await supd.proc('own:0')).pid, 'merged, the pid is still the program\'s own');
      await waitFor(() => readFileSync(path.join(supd.dir, 'logs', 'merged-0.out.log'), 'utf8').includes('err 5'), { what: 'merged output' });
      assert.equal(
        readFileSync(path.join(supd.dir, 'logs', 'merged-0.out.log'), 'utf8'),
        [1, 2, 3, 4, 5].map((i) => `out ${i}\nerr ${i}\n`).join(''),
      );
      await waitFor(() => existsSync(path.join(supd.dir, 'logs', 'two-1.err.log')) && readFileSync(path.join(supd.dir, 'logs', 'two-1.err.log'), 'utf8') !== '');
      const both = await supd.cli('logs', 'two');
      assert.deepEqual(both.stdout.split('\n').sort(), ['', 'two:0 | out-0', 'two:1 | out-1']);
      const errs = await supd.cli('logs', 'two:1', '--stderr', '--json');
      assert.deepEqual(JSON.parse(errs.stdout), { name: 'two:1', line: 'err-1' });
      assert.ok(!existsSync(path.join(supd.dir, 'logs', 'mute-0.out.log')), 'stdout = false writes no file');
      assert.ok(existsSync(path.join(supd.dir, 'logs', 'mute-0.custom.log')), 'file with {index}');
      const mute = await supd.cli('logs', 'mute');
      assert.equal(mute.code, 1);
      assert.match(mute.stderr, /mute:0: stdout is not kept \(stdout = false\)/);
    });
  });

  test('a reload that changes log settings moves a running process\'s output: same pid, no line lost, twice, or cut', async () => {
    const config = (stdout: string): string => `
[programs.tick]
command = ${flood(0, 't', 40, 2)}
stdout = ${stdout}
`;
    await withSupd(config('{ max_size = "10M" }'), async (supd) => {
      const first = path.join(supd.dir, 'logs', 'tick-0.out.log');
      const second = path.join(supd.dir, 'logs', 'moved-0.log');
      await waitFor(() => existsSync(first) && readFileSync(first, 'utf8').split('\n').length > 50, { what: 'output before the reload' });
      const pid = (await supd.proc('tick:0')).pid;
      writeFileSync(supd.config, config('{ max_size = "5K" }'));
      assert.match((await supd.cli('reload')).stdout, /changed tick \(applied without restart\)/);
      writeFileSync(supd.config, config('{ file = "logs/moved-{index}.log" }'));
      assert.match((await supd.cli('reload')).stdout, /changed tick \(applied without restart\)/);
      await waitFor(() => existsSync(second) && readFileSync(second, 'utf8').split('\n').length > 50, { what: 'output after the reload' });
      assert.equal((await supd.proc('tick:0')).pid, pid, 'not restarted');
      await supd.stop();
      const text = readLog(first).text + readFileSync(second, 'utf8');
      const lines = text.split('\n').slice(0, -1);
      lines.forEach((line, i) => assert.equal(line, `t ${i} ${'x'.repeat(40)}`));
    });
  });

  test('supd.log: spawn, exit, backoff, fatal and stop, one line each; SIGUSR2 reopens moved files; restarts append', async () => {
    await withSupd(`
[programs.web]
command = ${flood(0, 'w', 5, 20)}
[programs.bad]
command = ["sh", "-c", "exit 3"]
max_restarts = 1
backoff = { initial = "50ms", jitter = 0 }
`, async (supd) => {
      await supd.waitForState('bad:0', 'fatal');
      const file = path.join(supd.dir, 'logs', 'web-0.out.log');
      await waitFor(() => readFileSync(file, 'utf8').includes('w 3 '), { what: 'web output' });
      renameSync(file, `${file}.moved`);
      process.kill(supd.child.pid!, 'SIGUSR2');
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('w '), { what: 'a new file after SIGUSR2' });
      const moved = readFileSync(`${file}.moved`, 'utf8');
      const reopened = readFileSync(file, 'utf8');
      const last = Number(/w (\d+) x+\n$/.exec(moved)![1]);
      assert.ok(reopened.startsWith(`w ${last + 1} `), 'the new file goes on where the moved one stopped');
      assert.equal((await supd.cli('restart', 'web')).code, 0);
      await waitFor(() => readFileSync(file, 'utf8').includes('w 0 '), { what: 'the restarted process writing' });
      assert.ok(readFileSync(file, 'utf8').startsWith(`w ${last + 1} `), 'a restart appends to the same file');
      await supd.stop();
      const log = supd.supdLog();
      const line = (re: RegExp): void => assert.match(log, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z (INFO |WARN |ERROR) ${re.source}`, 'm'));
      line(/\[web:0\] spawned pid \d+: /);
      line(/\[bad:0\] pid \d+ exited with code 3 after \d+\.\d\d s/);
      line(/\[bad:0\] exited too soon \(1 in a row\): next start in 50 ms/);
      line(/\[bad:0\] giving up: /);
      line(/\[web:0\] stopping: sent SIGTERM to pid \d+, SIGKILL after 10000 ms/);
      line(/\[web:0\] pid \d+ killed by SIGTERM after /);
      line(/SIGUSR2: reopening log files/);
    });
  });

  test('output still on its way to a slow disk when a process exits is written before the exit is reported', async () => {
    const temp = makeTempDir();
    spawnSync('mkfifo', [path.join(temp.dir, 'slow.fifo')]);
    const total = 1000 * 1024;
    await withSupd(`
[programs.burst]
command = ["sh", "-c", "head -c ${total} /dev/zero | tr '\\\\0' 'z'; exit 7"]
restart = "never"
stdout = { file = "slow.fifo", max_size = "0" }
`, { reuse: temp }, async (supd) => {
      // The "disk" takes about 1 MB/s: the child is done long before its output is written.
      const reader = createReadStream(path.join(supd.dir, 'slow.fifo'), { highWaterMark: 16 * 1024 });
      supd.onCleanup(() => reader.destroy());
      let bytes = 0;
      reader.on('data', (chunk) => {
        bytes += chunk.length;
        reader.pause();
        setTimeout(() => reader.resume(), 15);
      });
      const exited = await supd.waitForState('burst:0', (p) => p.state === 'exited' && p.exit_code === 7);
      assert.ok(bytes >= total - 256 * 1024, `at the exit report ${bytes} of ${total} bytes had left supd (a FIFO holds the rest)`);
      assert.equal(exited.pid, null);
      await waitFor(() => bytes === total, { what: 'every byte' });
    });
  });

  test('a flood into a slow disk: the child waits on its pipe and supd\'s memory stays bounded', async () => {
    const temp = makeTempDir();
    spawnSync('mkfifo', [path.join(temp.dir, 'slow.fifo')]);
    await withSupd(`
[programs.flood]
command = ${flood(0, 'f', 60)}
stdout = { file = "slow.fifo", max_size = "0" }
`, { reuse: temp }, async (supd) => {
      // The "disk": a FIFO read at about 2 MB/s, while the child could write hundreds of MB/s.
      const reader = createReadStream(path.join(supd.dir, 'slow.fifo'), { highWaterMark: 16 * 1024 });
      supd.onCleanup(() => reader.destroy());
      let received = '';
      let bytes = 0;
      reader.on('data', (chunk) => {
        bytes += chunk.length;
        if (received.length < 1_000_000) received += chunk.toString();
        reader.pause();
        setTimeout(() => reader.resume(), 8);
      });
      await waitFor(() => bytes > 500_000, { timeoutMs: 10_000, what: 'output through the slow disk' });
      const base = rssKb(supd.child.pid!);
      let peak = base;
      const started = Date.now();
      const bytesAtStart = bytes;
      await waitFor(
        () => {
          peak = Math.max(peak, rssKb(supd.child.pid!));
          return Date.now() - started > 2500;
        },
        { intervalMs: 20 },
      );
      const rate = (bytes - bytesAtStart) / 2.5;
      assert.ok(rate < 20 * 1024 * 1024, `the disk's pace holds: ${Math.round(rate / 1024)} KiB/s`);
      assert.ok(peak - base < 16 * 1024, `supd RSS grew ${peak - base} KiB under the flood (from ${base} KiB)`);
      // What the child got written is what the disk took plus a bounded amount in between.
      const child = (await supd.proc('flood:0')).pid!;
      const written = Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${child}/io`, 'utf8'))![1]);
      assert.ok(written - bytes < 8 * 1024 * 1024, `the child wrote ${written} bytes, the disk took ${bytes}`);
      const lines = received.split('\n').slice(0, -1);
      lines.forEach((l, i) => assert.equal(l, `f ${i} ${'x'.repeat(60)}`));
    });
  });
});
