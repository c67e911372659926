// Issue 13 / SPEC section 7: per-copy values. `PORT = "<base>{index}"` gives each copy its
// own port, a copy's health check probes that copy, and log files, cwd, args and hooks are
// each copy's own.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { withTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

// A base B such that ports B0 and B1 are both free (for "${BASE}{index}").
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 3000 + Math.floor(Math.random() * 3000);
    if ((await isFree(base * 10)) && (await isFree(base * 10 + 1))) return base;
  }
  throw new Error('no two free ports in a row');
}

async function get(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return `${response.status}`;
}

test('each copy gets its own port, probe, cwd, args, hooks and log files from {index} and {name}', async () => {
  const base = await freeBase();
  await withSupd(`
[programs.app]
command = ["node", "${path.join(FIXTURES, 'bin', 'serve.js')}", "--copy={name}"]
processes = 2
cwd = "work-{index}"
env = { PORT = "\${BASE}{index}", UNHEALTHY_FILE = "sick", LITERAL = "{{index}" }
stdout = { file = "logs/{program}-copy-{index}.log" }
health = { http = "http://127.0.0.1:\${BASE}{index}/", interval = "100ms", retries = 2, start_period = "0s" }
hooks = { after_start = ["sh", "-c", "echo {name} $$PWD >> ../hooks.txt"] }
`, { env: { BASE: String(base) }, files: { 'work-0/.keep': '', 'work-1/.keep': '' } }, async (supd) => {
    const zero = await supd.waitForState('app:0', (p) => p.state === 'running' && p.healthy === true);
    const one = await supd.waitForState('app:1', (p) => p.state === 'running' && p.healthy === true);
    assert.equal(await get(base * 10), '200');
    assert.equal(await get(base * 10 + 1), '200');
    const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline(one.pid!).includes('--copy=app:1'), cmdline(one.pid!).join(' '));
    const environ = readFileSync(`/proc/${one.pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`PORT=${base}1`));
    assert.ok(environ.includes('LITERAL={index}'));
    assert.ok(existsSync(path.join(supd.dir, 'logs', 'app-copy-0.log')) && existsSync(path.join(supd.dir, 'logs', 'app-copy-1.log')));
    const hooks = await waitFor(() => {
      const text = existsSync(path.join(supd.dir, 'hooks.txt')) ? readFileSync(path.join(supd.dir, 'hooks.txt'), 'utf8') : '';
      return text.split('\n').length > 2 ? text : null;
    }, { what: 'both after_start hooks' });
    assert.match(hooks, new RegExp(`^app:0 ${supd.dir}/work-0$`, 'm'));
    assert.match(hooks, new RegExp(`^app:1 ${supd.dir}/work-1$`, 'm'));
    // app:1's probe tests app:1: only it turns unhealthy and restarts.
    writeFileSync(path.join(supd.dir, 'work-1', 'sick'), '');
    await supd.waitForState('app:1', (p) => p.restarts >= 1);
    assert.equal((await supd.proc('app:0')).pid, zero.pid, 'app:0 was not touched');
    assert.match(supd.supdLog(), /\[app:1\] unhealthy/);
    assert.doesNotMatch(supd.supdLog(), /\[app:0\] unhealthy/);
  });
});

test('supd check: an unknown {word} is an error at its key; two copies on one log file name {index}', async () => {
  await withTempDir(async (temp) => {
    const config = temp.write('daemons.toml', '[programs.web]\ncommand = "serve --port {port}"\nprocesses = 2\nstdout = { file = "web.log" }\n');
    const run = await runCli(['check', '-c', config]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /programs\.web\.command: \{port\} is not a per-copy value: use \{index\}, \{name\}, \{program\} or \{method\}/);
    assert.match(run.stderr, /web:1 stdout would write the log file .*web\.log that web:0 stdout writes too \(use \{index\} in file\)/);
  });
});
