// The verbs people bring from supervisorctl and pm2 (issue 14): aliases, pid, describe,
// status -w, --json on every command, scale to "max", and a malformed request refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { DescribeResult, StatusReport } from '../../src/control/protocol.js';
import { SUPD_BIN } from '../helpers/paths.js';
import { connectRaw } from '../helpers/raw-socket.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = `
[programs.web]
command = "sleep 1000"
processes = 2
start_secs = "100ms"
env = { PORT = "8080", API_TOKEN = "s3cret-value" }
stop_timeout = "1500ms"
max_memory = "512M"

[programs.flaky]
command = ["sh", "-c", "echo starting; echo 'no database' >&2; exit 4"]
autostart = false
restart = "never"
`;

test('aliases: list/avail = status, tail = logs, update = reload, reread = reload --dry-run', async () => {
  await withSupd(CONFIG, async (supd) => {
    await supd.waitForState('web:1', 'running');
    const status = await supd.cli('status');
    for (const alias of ['list', 'avail']) {
      const result = await supd.cli(alias);
      assert.equal(result.code, 0);
      assert.deepEqual(result.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' ')), status.stdout.split('\n').map((l) => l.split(/\s+/).slice(0, 3).join(' ')));
    }
    await supd.cli('start', 'flaky');
    await supd.waitForState('flaky:0', 'exited');
    const tail = await supd.cli('tail', 'flaky', '--stderr', '-n', '5');
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout, 'no database\n');
    const pids = (await supd.status()).processes.map((p) => p.pid);
    const update = await supd.cli('update');
    assert.equal(update.code, 0, update.stderr);
    assert.match(update.stdout, /unchanged web/);
    // reread is exactly `reload --dry-run` (built in its own branch): the same answer, nothing changed.
    supd.temp.write('daemons.toml', CONFIG.replace('processes = 2', 'processes = 3'));
    const reread = await supd.cli('reread');
    const dryRun = await supd.cli('reload', '--dry-run');
    assert.deepEqual(reread, dryRun);
    assert.doesNotMatch(reread.stderr, /unknown command/);
    assert.deepEqual((await supd.status()).processes.map((p) => p.pid), pids, 'reread changes nothing');
  });
});

test('supd pid: supd\'s own pid alone, the targets\' pids one per line, 1 when none has one', async () => {
  await withSupd(CONFIG, async (supd) => {
    await supd.waitForState('web:1', 'running');
    const own = await supd.cli('pid');
    assert.equal(own.stdout, `${supd.child.pid}\n`);
    const report = await supd.status();
    const pids = report.processes.filter((p) => p.program === 'web').map((p) => p.pid);
    assert.equal((await supd.cli('pid', 'web')).stdout, `${pids.join('\n')}\n`);
    assert.equal((await supd.cli('pid', 'web:1')).stdout, `${pids[1]}\n`);
    const none = await supd.cli('pid', 'flaky');
    assert.equal(none.code, 1);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /flaky:0 has no process \(stopped\)/);
    assert.deepEqual(JSON.parse((await supd.cli('pid', 'all', '--json')).stdout), { pids: { 'web:0': pids[0], 'web:1': pids[1], 'flaky:0': null } });
    assert.equal((await supd.cli('pid', 'nothing')).code, 1);
  });
});

test('supd describe: the config after defaults, recent states with times, last exits, log paths; env values hidden', async () => {
  await withSupd(CONFIG, async (supd) => {
    await supd.waitForState('web:1', 'running');
    await supd.cli('start', 'flaky');
    await supd.waitForState('flaky:0', 'exited');
    const json = await supd.cli('describe', 'flaky', '--json');
    assert.equal(json.code, 0, json.stderr);
    const [flaky] = (JSON.parse(json.stdout) as DescribeResult).records;
    assert.equal(flaky!.process.name, 'flaky:0');
    assert.deepEqual(flaky!.config.command, ['sh', '-c', "echo starting; echo 'no database' >&2; exit 4"]);
    assert.equal(flaky!.config.restart, 'never');
    assert.equal(flaky!.config.stop_timeout, '10s', 'a default, in the config\'s words');
    assert.deepEqual(flaky!.config.backoff, { initial: '1s', max: '1m', factor: 2, jitter: 0.1 });
    assert.deepEqual(flaky!.states.map((s) => `${s.from} -> ${s.to}`), ['stopped -> starting', 'starting -> exited']);
    assert.ok(flaky!.states.every((s) => !Number.isNaN(Date.parse(s.at))));
    assert.equal(flaky!.states[1]!.reason, 'exit 4: no database; restart = "never"');
    assert.equal(flaky!.exits.length, 1);
    assert.equal(flaky!.exits[0]!.code, 4);
    assert.equal(flaky!.logs.stdout, path.join(supd.dir, 'logs', 'flaky-0.out.log'));
    assert.equal(flaky!.logs.stderr, path.join(supd.dir, 'logs', 'flaky-0.err.log'));
    const web = await supd.cli('describe', 'web:1');
    assert.equal(web.code, 0);
    assert.match(web.stdout, /^web:1 +running/m);
    assert.match(web.stdout, /^ {2}stop_timeout = "1500ms"$/m);
    assert.match(web.stdout, /^ {2}max_memory = "512M"$/m);
    assert.match(web.stdout, /^ {2}env = \{"PORT":"\(hidden\)","API_TOKEN":"\(hidden\)"\}$/m);
    assert.doesNotMatch(web.stdout + json.stdout, /s3cret-value/, 'no env value');
    assert.match(web.stdout, /^ {2}[0-9T:.-]+Z {2}starting -> running$/m);
    assert.match(web.stdout, new RegExp(`^  stdout  ${path.join(supd.dir, 'logs', 'web-1.out.log').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    // The ring keeps the last 20 moves.
    for (let i = 0; i < 12; i++) await supd.cli('restart', 'web:0');
    const many = (JSON.parse((await supd.cli('describe', 'web:0', '--json')).stdout) as DescribeResult).records[0]!;
    assert.equal(many.states.length, 20);
    assert.equal(many.exits.length, 10);
    assert.equal((await supd.cli('describe')).code, 2, 'a target is needed');
    assert.equal((await supd.cli('describe', 'nothing')).code, 1);
  });
});

test('supd status -w: plain repeated tables when stdout is no TTY, every --interval, until SIGINT (exit 0)', async () => {
  await withSupd(CONFIG, async (supd) => {
    await supd.waitForState('web:1', 'running');
    const child = spawn(process.execPath, [SUPD_BIN, 'status', '-w', '--interval', '200ms', 'web', '-c', supd.config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => (out.match(/^NAME/gm) ?? []).length >= 3, { timeoutMs: 15_000, what: 'three tables' });
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.doesNotMatch(out, /\x1b/, 'no terminal escapes into a pipe');
    assert.ok(out.split('\n\n').filter((t) => t.startsWith('NAME')).every((t) => /web:0 +running/.test(t) && !/flaky/.test(t)));
    const bad = await supd.cli('status', '-w', '--interval', 'often');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--interval takes a duration/);
  });
});

test('--json on every command, errors too, as {"error": {code, message, issues}} on stdout', async () => {
  await withSupd(CONFIG, async (supd) => {
    await supd.waitForState('web:1', 'running');
    const parse = async (...args: string[]): Promise<{ code: number | null; body: Record<string, unknown> }> => {
      const result = await supd.cli(...args, '--json');
      return { code: result.code, body: JSON.parse(result.stdout) as Record<string, unknown> };
    };
    const restart = await parse('restart', 'web:0');
    assert.equal(restart.code, 0);
    assert.deepEqual(restart.body, { ok: true, outcomes: [{ name: 'web:0', ok: true, state: 'running' }] });
    const stop = await parse('stop', 'web:1');
    assert.deepEqual(stop.body.outcomes, [{ name: 'web:1', ok: true, state: 'stopped' }]);
    assert.equal((await parse('start', 'web')).code, 0);
    const signal = await parse('signal', 'CONT', 'web:0');
    assert.deepEqual(signal.body.outcomes, [{ name: 'web:0', ok: true, state: 'running' }]);
    const reload = await parse('reload');
    assert.deepEqual(reload.body.lines, ['unchanged web', 'unchanged flaky']);
    const failed = await parse('start', 'flaky');
    assert.equal(failed.code, 1);
    assert.equal(failed.body.ok, false);
    const nothing = await parse('stop', 'nothing');
    assert.equal(nothing.code, 1);
    assert.deepEqual(nothing.body, { error: { code: 'SUPD_E_NO_SUCH_PROCESS', message: 'no process matches nothing', issues: [] } });
    const usage = await parse('scale', 'web');
    assert.equal(usage.code, 2);
    assert.equal((usage.body.error as { code: string }).code, 'SUPD_E_USAGE');
    const report = await parse('report');
    assert.ok(Array.isArray(report.body.reports));
    const status = (await parse('status')).body as unknown as StatusReport;
    assert.equal(status.processes.length, 3);
    const shutdown = await parse('shutdown');
    assert.deepEqual(shutdown.body, { ok: true, stopped: true });
    const gone = await parse('status');
    assert.equal(gone.code, 3);
    assert.equal((gone.body.error as { code: string }).code, 'SUPD_E_NOT_RUNNING');
  });
});

test('supd scale web max / max-1: one per CPU, N fewer, at least 1', async () => {
  const cpus = availableParallelism();
  await withSupd(CONFIG.replace('processes = 2', 'processes = 1'), async (supd) => {
    const max = await supd.cli('scale', 'web', 'max');
    assert.equal(max.code, 0, max.stderr);
    assert.match(max.stdout, new RegExp(`^scaled web 1 -> ${cpus}$`, 'm'));
    const fewer = await supd.cli('scale', 'web', 'max-1000');
    assert.match(fewer.stdout, new RegExp(`^scaled web ${cpus} -> 1$`, 'm'));
    assert.equal((await supd.status()).processes.filter((p) => p.program === 'web').length, 1);
    assert.equal((await supd.cli('scale', 'web', 'most')).code, 2);
  });
});

test('a request whose targets is a string (or holds a number) is a protocol error, answered on its id', async () => {
  await withSupd(CONFIG, async (supd) => {
    for (const name of ['web:0', 'web:1']) await supd.waitForState(name, 'running');
    const raw = await connectRaw(path.join(supd.dir, '.supd', 'supd.sock'));
    raw.send(`${JSON.stringify({ id: 7, cmd: 'stop', targets: 'all' })}\n`);
    raw.send(`${JSON.stringify({ id: 8, cmd: 'status', targets: ['web', 1] })}\n`);
    raw.send(`${JSON.stringify({ id: 9, cmd: 'scale', unit: 'web', count: '9' })}\n`);
    const answers = (await raw.waitFor(3)) as Array<{ id: number; ok: boolean; error: { code: string; message: string } }>;
    assert.deepEqual(answers.map((a) => [a.id, a.ok, a.error.code]), [[7, false, 'SUPD_E_PROTOCOL'], [8, false, 'SUPD_E_PROTOCOL'], [9, false, 'SUPD_E_PROTOCOL']]);
    assert.match(answers[0]!.error.message, /"targets" must be an array of strings, not "all"/);
    raw.socket.destroy();
    assert.ok((await supd.status()).processes.filter((p) => p.program === 'web').every((p) => p.state === 'running'), 'nothing was stopped');
  });
});
