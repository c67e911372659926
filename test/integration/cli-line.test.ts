// The command line itself (issues 13 and 14): options anywhere, help for every verb, unknown
// options said, --json on errors, an error code the client does not know, and the checks a
// config gets for cron ranges, process totals and processes = "max".
import assert from 'node:assert/strict';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';

const CONFIG = `[programs.web]\ncommand = "sleep 1000"\nprocesses = 2\n`;
const VERBS = ['run', 'check', 'status', 'start', 'stop', 'restart', 'signal', 'scale', 'logs', 'reload', 'describe', 'pid', 'report', 'shutdown', 'version', 'help'];

test('issue 13 bug 4: a global option before the verb (supd -c FILE check), and any option anywhere', async () => {
  await withTempDir(async (temp) => {
    const file = temp.write('conf/daemons.toml', CONFIG);
    for (const args of [['-c', file, 'check'], ['--config', file, 'check'], ['check', '-c', file], [`--config=${file}`, 'check'], ['--json', '-c', file, 'check']]) {
      const result = await runCli(args, { cwd: temp.dir });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /ok: 1 programs, 2 processes|"processes":2/);
    }
    // A verb's own option before the verb: its value is not taken for the verb.
    const early = await runCli(['--socket', path.join(temp.dir, 'none.sock'), '--no-wait', 'start', 'web'], { cwd: temp.dir });
    assert.equal(early.code, 3, `no supervisor answers, and nothing else went wrong: ${early.stderr}`);
    assert.doesNotMatch(early.stderr, /unknown/);
  });
});

test('issue 14 bug 10: supd -v and supd --bogus say "unknown option" before the help (exit 2); --version and version print it', async () => {
  for (const option of ['-v', '--bogus']) {
    const result = await runCli([option]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`^supd: unknown option ${option}\\n\\nsupd: a declarative process supervisor`));
  }
  const version = (await runCli(['--version'])).stdout.trim();
  assert.match(version, /^[0-9]+\.[0-9]+\.[0-9]+/);
  assert.equal((await runCli(['version'])).stdout.trim(), version);
  assert.deepEqual(JSON.parse((await runCli(['version', '--json'])).stdout), { version });
  const bogus = await runCli(['status', '--bogus', '--json']);
  assert.equal(bogus.code, 2);
  assert.deepEqual(JSON.parse(bogus.stdout), { error: { code: 'SUPD_E_USAGE', message: 'unknown option --bogus', issues: [] } });
});

test('issue 14 bug 10: supd help covers every verb, help help too, and the aliases', async () => {
  const overview = await runCli(['help']);
  assert.equal(overview.code, 0);
  // Every verb the overview lists (those merged later too), and at least these.
  const listed = overview.stdout.split('\nCommands:\n')[1]!.split('\n\n')[0]!.split('\n').map((line) => line.trim().split(/\s+/)[0]!);
  for (const verb of VERBS) assert.ok(listed.includes(verb), `${verb} in the overview`);
  for (const verb of listed) {
    const help = await runCli(['help', verb]);
    assert.equal(help.code, 0, `supd help ${verb}: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^supd ${verb}\\b`), `supd help ${verb} prints its usage`);
    assert.equal((await runCli([verb, '--help'])).stdout, help.stdout, `supd ${verb} --help is the same`);
  }
  for (const [alias, verb] of [['tail', 'logs'], ['update', 'reload'], ['reread', 'reload --dry-run'], ['avail', 'status'], ['list', 'status']]) {
    const help = await runCli(['help', alias!]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^supd ${alias} is an alias of: supd ${verb}\\n`));
  }
  const unknown = await runCli(['help', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('issue 13 bug 5: an error code the client does not know exits 1 with the message (--json too)', async () => {
  const temp = makeTempDir();
  const socketPath = path.join(temp.dir, 'fake.sock');
  // A supd from the future: it answers every request with an error code this client never heard of.
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        const { id } = JSON.parse(line) as { id: number };
        socket.write(`${JSON.stringify({ id, ok: false, error: { code: 'SUPD_E_FROM_THE_FUTURE', message: 'the flux capacitor is cold' } })}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    for (const verb of [['status'], ['stop', 'web'], ['pid']]) {
      const result = await runCli([...verb, '--socket', socketPath], { cwd: temp.dir });
      assert.equal(result.code, 1, `supd ${verb.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /the flux capacitor is cold \(supd answered with error code SUPD_E_FROM_THE_FUTURE, unknown to this client\)/);
    }
    const json = await runCli(['status', '--json', '--socket', socketPath], { cwd: temp.dir });
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'SUPD_E_PROTOCOL');
  } finally {
    server.close();
    temp.remove();
  }
});

test('an answer that is no supd response (not JSON) exits 1 as a protocol error, no stack trace', async () => {
  const temp = makeTempDir();
  const socketPath = path.join(temp.dir, 'garbage.sock');
  const server = net.createServer((socket) => socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.6\n')));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const result = await runCli(['status', '--socket', socketPath], { cwd: temp.dir });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'supd status: the socket answered with a line that is no supd response: SSH-2.0-OpenSSH_9.6\n');
  } finally {
    server.close();
    temp.remove();
  }
});

test('issue 14 bug 10: check --json prints the counts, or every error as {"error": {code, message, issues}}', async () => {
  await withTempDir(async (temp) => {
    const good = temp.write('good.toml', CONFIG);
    assert.deepEqual(JSON.parse((await runCli(['check', '--json', '-c', good])).stdout), { ok: true, programs: 1, processes: 2 });
    const bad = temp.write('bad.toml', `[programs.web]\ncommand = "x"\nprocesses = -1\nrestart = "sometimes"\n`);
    const result = await runCli(['check', '--json', '-c', bad]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, '');
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; issues: Array<{ path: string; line: number }> } };
    assert.equal(error.code, 'SUPD_E_CONFIG_INVALID');
    assert.deepEqual(error.issues.map((i) => [i.path, i.line]), [['programs.web.processes', 3], ['programs.web.restart', 4]]);
  });
});

test('issue 14 bug 10: check refuses the cron range 5-1 and a config of more than 10,000 processes', async () => {
  await withTempDir(async (temp) => {
    const cron = temp.write('cron.toml', `[programs.job]\ncommand = "true"\nschedule = "5-1 * * * *"\n[reports.r]\nschedule = "0 8 * * fri-mon"\nto = ["a@b.c"]\nfile = "r.txt"\n`);
    const refused = await runCli(['check', '-c', cron]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /programs\.job\.schedule: the range 5-1 in the minute field runs backwards/);
    assert.match(refused.stderr, /reports\.r\.schedule: the range fri-mon in the day of week field runs backwards/);
    const fine = temp.write('fine.toml', `[programs.job]\ncommand = "true"\nschedule = "1-5 8-17 * jan-mar mon-fri"\n`);
    assert.equal((await runCli(['check', '-c', fine])).code, 0);
    const many = temp.write('many.toml', `[programs.a]\ncommand = "x"\nprocesses = 6000\n[programs.b]\ncommand = "x"\nprocesses = 5000\n`);
    const tooMany = await runCli(['check', '-c', many]);
    assert.equal(tooMany.code, 2);
    assert.match(tooMany.stderr, /programs: the processes total 11000 \(a 6000, b 5000\.\.\.\); one supd runs at most 10000/);
    const enough = temp.write('enough.toml', `[programs.a]\ncommand = "x"\nprocesses = 6000\n[programs.b]\ncommand = "x"\nprocesses = 4000\n`);
    assert.match((await runCli(['check', '-c', enough])).stdout, /ok: 2 programs, 10000 processes/);
  });
});

test('processes = "max" is one per CPU and "max-N" N fewer, at least 1: in check\'s count', async () => {
  const cpus = availableParallelism();
  await withTempDir(async (temp) => {
    const file = temp.write('max.toml', `[programs.a]\ncommand = "true"\nprocesses = "max"\n[programs.b]\ncommand = "true"\nprocesses = "max-1"\n[programs.c]\ncommand = "true"\nprocesses = "max-999"\n`);
    const result = await runCli(['check', '--json', '-c', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { ok: true, programs: 3, processes: cpus + Math.max(1, cpus - 1) + 1 });
    const bad = temp.write('bad.toml', `[programs.a]\ncommand = "x"\nprocesses = "most"\n`);
    const refused = await runCli(['check', '-c', bad]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /programs\.a\.processes: must be a whole number >= 0, "max" \(one per CPU\) or "max-N"/);
  });
});
