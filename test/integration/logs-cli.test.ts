// Issues 13 and 14: `supd logs` without a running supervisor reads the files the config names;
// -n reaches back through every rotated file, gzip included; --grep and --since choose lines
// (a bad regex is a usage error naming it); --clear empties the current log files, through
// the supervisor when one runs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, appendFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { spawnCli, withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir, type TempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

// web-0's log as a stopped supd left it: 1..50 gzipped, 51..99 rotated plain, 100..120 live.
function leftLogs(temp: TempDir): string {
  const config = temp.write('daemons.toml', '[programs.web]\ncommand = "sleep 1000"\n');
  temp.write('logs/web-0.out.log', lines(100, 120));
  temp.write('logs/web-0.out.log.20260101T000001.000Z', lines(51, 99));
  writeFileSync(path.join(temp.dir, 'logs', 'web-0.out.log.20260101T000000.000Z.gz'), gzipSync(lines(1, 50)));
  return config;
}

test('no supervisor: logs reads the files the config names, -n back through every rotated file (gzip too)', async () => {
  await withTempDir(async (temp) => {
    const config = leftLogs(temp);
    const all = await runCli(['logs', 'web', '-n', '110', '-c', config]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, lines(11, 120));
    const few = await runCli(['logs', '-n', '3', '-c', config]);
    assert.equal(few.stdout, lines(118, 120));
    const nothing = await runCli(['logs', 'nosuch', '-c', config]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /no process matches nosuch/);
  });
});

test('--grep: -n counts matching lines, from every file; a bad regex is a usage error naming it', async () => {
  await withTempDir(async (temp) => {
    const config = leftLogs(temp);
    const grep = await runCli(['logs', 'web', '--grep', '^line 1[0-9]$', '-n', '5', '-c', config]);
    assert.equal(grep.code, 0, grep.stderr);
    assert.equal(grep.stdout, lines(15, 19));
    const bad = await runCli(['logs', 'web', '--grep', 'a(b', '-c', config]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--grep "a\(b" is not a valid regular expression/);
    const since = await runCli(['logs', 'web', '--since', 'soon', '-c', config]);
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since takes a duration like 10m/);
  });
});

test('--since with timestamps = true keeps lines from then on; --grep filters a follow too', async () => {
  const temp = makeTempDir();
  temp.write('logs/t-0.out.log', '2020-01-01T00:00:00.000Z old line\n');
  await withSupd(`[programs.t]\ncommand = ["sh", "-c", "echo new line; echo other; while [ ! -e go ]; do sleep 0.05; done; echo new again; echo other; exec sleep 1000"]\nstdout = { timestamps = true }\n`, { reuse: temp }, async (supd) => {
    const follower = spawnCli(supd, 'logs', 't', '-f', '--grep', 'new');
    await waitFor(() => readFileSync(path.join(supd.dir, 'logs', 't-0.out.log'), 'utf8').includes('other'), { what: 'the first lines' });
    const recent = await supd.cli('logs', 't', '--since', '10m');
    assert.equal(recent.code, 0, recent.stderr);
    assert.match(recent.stdout, /^\S+Z new line\n\S+Z other\n$/);
    const all = await supd.cli('logs', 't');
    assert.match(all.stdout, /old line/);
    let seen = '';
    follower.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    await waitFor(() => seen.includes('new line'), { what: 'the follower to start' });
    writeFileSync(path.join(supd.dir, 'go'), '');
    await waitFor(() => seen.includes('new again'), { what: 'the followed line' });
    assert.doesNotMatch(seen, /other|old/);
  });
});

test('--clear through the supervisor empties the live file; writing goes on at its top; a follower goes on too', async () => {
  await withSupd(`[programs.w]\ncommand = ["node", "${path.join(FIXTURES, 'bin', 'burst-lines.js')}", "go", "3", "done"]\n`, async (supd) => {
    const file = path.join(supd.dir, 'logs', 'w-0.out.log');
    const follower = spawnCli(supd, 'logs', 'w', '-f');
    let seen = '';
    follower.stdout.on('data', (c: Buffer) => (seen += c.toString()));
    await waitFor(() => seen.includes('ready\n'), { what: 'the follower to see "ready"' });
    const usage = await supd.cli('logs', '--clear');
    assert.equal(usage.code, 2, 'a target is needed');
    const cleared = await supd.cli('logs', '--clear', 'w');
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(cleared.stdout, `cleared w:0: ${file}, ${path.join(supd.dir, 'logs', 'w-0.err.log')}\n`);
    assert.equal(statSync(file).size, 0);
    writeFileSync(path.join(supd.dir, 'go'), '');
    await waitFor(() => existsSync(path.join(supd.dir, 'done')), { what: 'the lines after the clear' });
    await waitFor(() => readFileSync(file, 'utf8').split('\n').length === 4 || null, { what: 'three lines in the file' });
    assert.equal(readFileSync(file, 'utf8'), readFileSync(file, 'utf8').replace(/\0/g, ''), 'no hole');
    assert.match(readFileSync(file, 'utf8'), /^line 1 y+\nline 2 y+\nline 3 y+\n$/);
    await waitFor(() => seen.includes('line 3 '), { what: 'the follower to see the lines after the clear' });
    assert.match(seen, /^ready\nline 1 y+\nline 2 y+\nline 3 y+\n$/);
  });
});

test('no supervisor: --clear truncates the files; -f follows the path through a rotation', async () => {
  await withTempDir(async (temp) => {
    const config = leftLogs(temp);
    const file = path.join(temp.dir, 'logs', 'web-0.out.log');
    const follower = spawn(process.execPath, [SUPD_BIN, 'logs', 'web', '-f', '-n', '1', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let seen = '';
      follower.stdout.on('data', (c: Buffer) => (seen += c.toString()));
      await waitFor(() => seen === 'line 120\n' || null, { what: 'the last line' });
      appendFileSync(file, 'line 121\n');
      await waitFor(() => seen.includes('line 121\n'), { what: 'an appended line' });
      renameSync(file, `${file}.20260101T000002.000Z`);
      writeFileSync(file, 'line 122\n');
      await waitFor(() => seen.includes('line 122\n'), { what: 'the line in the new file' });
      assert.equal(seen, lines(120, 122));
    } finally {
      follower.kill('SIGKILL');
    }
    const cleared = await runCli(['logs', '--clear', 'web', '-c', config]);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.match(cleared.stdout, /^cleared web:0: .*web-0\.out\.log, .*web-0\.err\.log\n$/);
    assert.equal(readFileSync(file, 'utf8'), '');
  });
});
