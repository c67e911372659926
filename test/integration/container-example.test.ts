// examples/container/: its daemons.toml passes `supd check`, and runs as the image would, supd
// as PID 1 of a new PID namespace: web, worker and nginx up, nginx answering through to web,
// every program's lines on supd's stdout prefixed, and SIGTERM ends it all with exit 0.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { pidNamespaceSkip, startInPidNamespace } from '../helpers/pid-namespace.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';
import { withCleanup } from '../helpers/with-cleanup.js';

const EXAMPLE = path.join(ROOT, 'examples', 'container');

test('examples/container/daemons.toml passes supd check', async () => {
  const result = await runCli(['check', '-c', path.join(EXAMPLE, 'daemons.toml')]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'ok: 3 programs, 3 processes\n');
});

// nginx opens /dev/stdout: that needs children's stdout to be a pipe (SPEC section 7), not a socket.
async function devStdoutOpens(): Promise<boolean> {
  return withSupd('[programs.t]\ncommand = ["/bin/sh", "-c", "echo x > /dev/stdout && echo opened"]\nrestart = "never"\nstdout = "console"\nstderr = "console"\n', async (supd) => {
    return await waitFor(() => (/^t:0 \| opened$/m.test(supd.output()) ? 'yes' : supd.output().includes('No such device') ? 'no' : null), { what: 'the probe' }).then((r) => r === 'yes');
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/hello' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

const skip = pidNamespaceSkip();

test('examples/container runs as PID 1: web, worker and nginx up, nginx answers, console lines of all three, SIGTERM exits 0', { skip, timeout: 120_000 }, async (t) => {
  if (!(await devStdoutOpens())) return t.skip('SKIP: children\'s stdout is a socket here, not a pipe (SPEC section 7): nginx cannot open /dev/stdout');
  const [appPort, httpPort] = [await freePort(), await freePort()];
  await withCleanup(startInPidNamespace(null, { APP_PORT: String(appPort) }, (dir) => copyExample(dir, appPort, httpPort)), async (run) => {
    await run.pid1();
    const body = await waitFor(() => get(httpPort).catch(() => null), { timeoutMs: 60_000, what: `nginx on ${httpPort}` });
    assert.match(body, /^hello from web:0 \(pid \d+\)\n$/);
    await waitFor(() => /^worker:0 \| worker: job 1 done$/m.test(run.output()), { timeoutMs: 10_000, what: 'a worker line' });
    const out = run.output();
    assert.match(out, /^web:0    \| \{"msg":"listening","port":\d+\}$/m, 'web\'s JSON line, prefixed and padded');
    assert.match(out, /^nginx:0  \| 127\.0\.0\.1 - - \[[^\]]+\] "GET \/hello HTTP\/1\.[01]" 200 /m, 'nginx\'s access log through /dev/stdout');
    process.kill(await run.pid1(), 'SIGTERM');
    const exit = await run.exited;
    assert.deepEqual([exit.code, exit.signal], [0, null], run.output());
    assert.match(run.output(), /worker: stopping after \d+ jobs/);
  });
});

// The example, copied to a temp dir with its ports and paths made the test's own.
function copyExample(dir: string, appPort: number, httpPort: number): void {
  cpSync(EXAMPLE, dir, { recursive: true });
  const edit = (file: string, ...pairs: Array<[string, string]>): void => {
    let text = readFileSync(path.join(dir, file), 'utf8');
    for (const [from, to] of pairs) {
      assert.ok(text.includes(from), `${file} holds ${from}`);
      text = text.replace(from, to);
    }
    writeFileSync(path.join(dir, file), text);
  };
  edit('daemons.toml', ['state_dir = "/run/supd"', 'state_dir = ".supd"'], ['log_dir = "/var/log/supd"', 'log_dir = "logs"'], ['/app/nginx.conf', path.join(dir, 'nginx.conf')]);
  edit('nginx.conf', ['listen 8080;', `listen 127.0.0.1:${httpPort};`], ['127.0.0.1:3000', `127.0.0.1:${appPort}`], ['/run/nginx-supd.pid', path.join(dir, 'nginx.pid')]);
}
