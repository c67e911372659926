// stdout/stderr = "console" (SPEC section 7): the lines of 10 chatty children through supd's
// stdout, every line once, whole, prefixed with its process's name padded to one width; with
// log_format = "json" every line supd writes (stdout and stderr) is one JSON object.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { withTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const CHATTY = path.join(FIXTURES, 'bin', 'chatty.js');
const LINES = 1000;
const NAMES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'chatty-long'];

function chattyConfig(head: string): string {
  const programs = NAMES.map(
    (name, i) => `
[programs.${name}]
command = ["${process.execPath}", "${CHATTY}", "${LINES}", "${name}", "6000", "${i % 3 === 0 ? 'stderr' : 'stdout'}"]
`,
  );
  return `${head}
[defaults]
stdout = "console"
stderr = "console"
restart = "never"
start_secs = "0"
${programs.join('')}`;
}

/** supd's stdout and stderr, each apart, from the moment it starts. */
function captureStreams(supd: SupdUnderTest): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  supd.child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  supd.child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout: () => out, stderr: () => err };
}

async function runChatty(head: string): Promise<{ stdout: string; stderr: string; supdLog: string }> {
  return withSupd(chattyConfig(head), { waitReady: false }, async (supd) => {
    const streams = captureStreams(supd);
    const expected = NAMES.length * LINES;
    await waitFor(() => streams.stdout().split('\n').length - 1 >= expected, { timeoutMs: 60_000, what: `${expected} console lines` });
    await supd.stop();
    return { stdout: streams.stdout(), stderr: streams.stderr(), supdLog: supd.supdLog() };
  });
}

test('console: 10 chatty children, every line once, whole, prefixed "<name> | " with names padded to one width', async () => {
  const { stdout } = await runChatty('');
  const width = Math.max(...NAMES.map((n) => `${n}:0`.length));
  const seen = new Map(NAMES.map((n) => [n, [] as number[]]));
  const broken: string[] = [];
  for (const line of stdout.split('\n').slice(0, -1)) {
    const match = /^(\S+:0) *\| (\S+) (\d+) (x*)$/.exec(line);
    const name = match?.[1]?.slice(0, -2);
    const seq = Number(match?.[3]);
    if (match === null || name !== match[2] || match[4]!.length !== (seq * 7919) % 6000 || line.indexOf('|') !== width + 1) {
      broken.push(line.slice(0, 120));
      continue;
    }
    seen.get(name)!.push(seq);
  }
  assert.deepEqual(broken, [], 'every line whole, prefixed with its own name, the bar in one column');
  for (const [name, seqs] of seen) assert.deepEqual(seqs, Array.from({ length: LINES }, (_, i) => i), `${name}: every line once, in order`);
});

test('console with log_format = "json": every line supd writes parses, with ts, level, msg, name, pid, stream; a JSON line stays a string', async () => {
  const { stdout, stderr, supdLog } = await runChatty('[supervisor]\nlog_format = "json"\n[programs.json-line]\ncommand = ["/bin/sh", "-c", "echo \'{\\"level\\":\\"fake\\",\\"name\\":\\"x\\"}\'"]\n');
  const counts = new Map<string, number>();
  const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  for (const line of stdout.split('\n').slice(0, -1)) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry), ['ts', 'level', 'msg', 'name', 'pid', 'stream']);
    assert.match(entry.ts as string, rfc3339);
    assert.equal(entry.level, 'info');
    assert.equal(typeof entry.pid, 'number');
    const name = (entry.name as string).slice(0, -2);
    if (name === 'json-line') {
      assert.equal(entry.msg, '{"level":"fake","name":"x"}', 'the JSON the program wrote is a string in msg, no key of it taken');
      continue;
    }
    const [tag, seq] = (entry.msg as string).split(' ');
    assert.equal(tag, name);
    assert.equal(entry.stream, NAMES.indexOf(name) % 3 === 0 ? 'stderr' : 'stdout');
    assert.equal((entry.msg as string).length, `${tag} ${seq} `.length + ((Number(seq) * 7919) % 6000));
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  for (const name of NAMES) assert.equal(counts.get(name), LINES, `${name}: every line`);
  const own = stderr.split('\n').filter(Boolean);
  assert.deepEqual(supdLog.split('\n').filter(Boolean), own, 'supd.log holds the same JSON lines');
  assert.ok(own.length > 5, 'supd wrote its own lines to stderr');
  for (const line of own) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.match(entry.ts as string, rfc3339);
    assert.ok(['debug', 'info', 'warn', 'error'].includes(entry.level as string));
    assert.equal(typeof entry.msg, 'string');
  }
  assert.ok(own.some((l) => JSON.parse(l).name === 'c1:0'), 'lines about a process carry its name');
});

test('reload: a running program\'s stdout moves from its file to the console without a restart, and supd logs says where it goes', async () => {
  const program = (stdout: string): string => `
[programs.ticker]
command = ["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done"]
start_secs = "0"
stdout = ${stdout}
`;
  await withSupd(program('{ file = "ticker.log" }'), async (supd) => {
    const streams = captureStreams(supd);
    const before = await supd.waitForState('ticker:0', 'running');
    await waitFor(() => readTicker(supd.dir).includes('tick 3'), { what: 'ticks in the file' });
    assert.equal(streams.stdout(), '', 'nothing on the console yet');
    supd.temp.write('daemons.toml', program('"console"'));
    const reload = await supd.cli('reload');
    assert.equal(reload.code, 0, reload.stderr);
    assert.match(reload.stdout, /changed ticker \(applied without restart\)/);
    await waitFor(() => /^ticker:0 \| tick \d+$/m.test(streams.stdout()), { what: 'ticks on the console' });
    assert.equal((await supd.proc('ticker:0')).pid, before.pid, 'not restarted');
    for (const line of streams.stdout().split('\n').slice(0, -1)) assert.match(line, /^ticker:0 \| tick \d+$/);
    const logs = await supd.cli('logs', 'ticker');
    assert.match(logs.stdout + logs.stderr, /stdout goes to supd's stdout \(stdout = "console"\)/);
  });
});

function readTicker(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'ticker.log'), 'utf8');
  } catch {
    return '';
  }
}

// supd on a terminal (util-linux `script` gives it a pty for stdout and stderr, as `docker run -t` does).
function runOnTerminal(dir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const command = `${process.execPath} ${SUPD_BIN} run -c ${path.join(dir, 'daemons.toml')}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('close', (code) => resolve({ code, out: out.replaceAll('\r\n', '\n') }));
  });
}

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

test('on a terminal: a colour per program, none with NO_COLOR; supd\'s own lines (stderr is the same terminal) never split a program\'s line', { skip: hasScript ? false : 'SKIP: util-linux script is not installed (it gives supd a terminal)', timeout: 60_000 }, async () => {
  await withTempDir(async (temp) => {
    temp.write('daemons.toml', `
[defaults]
stdout = "console"
restart = "never"
# hello ends supd (essential) once other has written all its lines.
[programs.hello]
command = ["/bin/sh", "-c", "${process.execPath} ${CHATTY} 300 hello 300; while [ ! -e other-done ]; do sleep 0.05; done"]
essential = true
[programs.other]
command = ["/bin/sh", "-c", "${process.execPath} ${CHATTY} 300 other 300; touch other-done"]
`);
    const { NO_COLOR: _drop, ...env } = process.env;
    const coloured = await runOnTerminal(temp.dir, { ...env, TERM: 'xterm' });
    assert.equal(coloured.code, 0, coloured.out);
    const programLines = (out: string): string[] => out.split('\n').filter((l) => l.includes('hello:0 |') || l.includes('other:0 |'));
    const lines = programLines(coloured.out);
    assert.equal(lines.length, 600, coloured.out.slice(-2000));
    for (const line of lines) assert.match(line, /^\x1b\[(36|33)m(hello|other):0 \|\x1b\[0m (hello|other) \d+ x*$/);
    assert.ok(lines.some((l) => l.startsWith('\x1b[36mhello:0')) && lines.some((l) => l.startsWith('\x1b[33mother:0')), 'one colour per program');
    for (const line of coloured.out.split('\n').filter((l) => / (INFO|WARN) /.test(l))) assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z (INFO|WARN) /, 'supd\'s own lines whole');
    rmSync(path.join(temp.dir, 'other-done'));
    const plain = await runOnTerminal(temp.dir, { ...env, TERM: 'xterm', NO_COLOR: '1' });
    assert.equal(plain.code, 0);
    const plainLines = programLines(plain.out);
    assert.equal(plainLines.length, 600);
    for (const line of plainLines) assert.match(line, /^(hello|other):0 \| (hello|other) \d+ x*$/);
  });
});
