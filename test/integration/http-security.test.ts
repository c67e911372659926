import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { act, dashboardOf, request, type Dashboard } from '../helpers/http.js';
import { FIXTURES } from '../helpers/paths.js';
import { startSupd, withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';
import { findTool, needTools } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait-for.js';

const node = JSON.stringify(process.execPath);
const forever = JSON.stringify(path.join(FIXTURES, 'bin', 'forever.js'));
const SECRET = 'env-value-that-must-never-leave-9f2c';

const CONFIG = `
[supervisor.http]
listen = "127.0.0.1:0"

[programs.web]
command = [${node}, ${forever}]
env = { API_KEY = "${SECRET}" }
[reports.daily]
schedule = "0 8 * * *"
to = ["ops@example.com"]
file = "report.txt"
`;

describe('the HTTP listener refuses what it must', () => {
  let supd: SupdUnderTest;
  let d: Dashboard;
  before(async () => {
    supd = await startSupd(CONFIG);
    d = await dashboardOf(supd);
    await supd.waitForState('web:0', 'running');
  });
  after(() => supd.cleanup());

  test('the login URL gives an HttpOnly SameSite=Strict cookie; the token file is 0600', async () => {
    const res = await request(d.url);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    assert.match(String(res.headers['set-cookie']), /^supd_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.equal(statSync(path.join(supd.dir, '.supd', 'http.token')).mode & 0o777, 0o600);
    assert.equal(d.token.length, 64);
  });

  test('no cookie 401; a wrong token 401; a wrong cookie 401', async () => {
    assert.equal((await request(`${d.base}/`)).status, 401);
    assert.equal((await request(`${d.base}/api/status`)).status, 401);
    assert.equal((await request(`${d.base}/?token=${'0'.repeat(64)}`)).status, 401);
    assert.equal((await request(`${d.base}/api/status`, { headers: { Cookie: `supd_session=${'0'.repeat(64)}` } })).status, 401);
    assert.equal((await request(`${d.base}/api/status`, { headers: { Cookie: d.cookie } })).status, 200);
  });

  test('Host: evil.test is 403 (DNS rebinding), on pages, API and metrics alike', async () => {
    for (const p of ['/', '/api/status', '/metrics', `/?token=${d.token}`]) {
      assert.equal((await request(`${d.base}${p}`, { headers: { Host: 'evil.test', Cookie: d.cookie } })).status, 403, p);
    }
    assert.equal((await request(`${d.base}/api/status`, { headers: { Host: `localhost:${new URL(d.base).port}`, Cookie: d.cookie } })).status, 200);
  });

  test('an action with a foreign Origin, no Origin or no JSON is 403; GET on an action 405; nothing stopped', async () => {
    const headers = { Cookie: d.cookie, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ targets: ['web:0'] });
    assert.equal((await request(`${d.base}/api/stop`, { method: 'POST', headers: { ...headers, Origin: 'http://evil.test' }, body })).status, 403);
    assert.equal((await request(`${d.base}/api/stop`, { method: 'POST', headers, body })).status, 403);
    assert.equal((await request(`${d.base}/api/stop`, { method: 'POST', headers: { Cookie: d.cookie, Origin: d.base, 'Content-Type': 'text/plain' }, body })).status, 403);
    const get = await request(`${d.base}/api/stop?targets=web:0`, { headers: { Cookie: d.cookie } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal((await supd.proc('web:0')).state, 'running');
  });

  test('every response carries the CSP; an action is written to supd.log `via http`', async () => {
    for (const p of ['/', '/app.js', '/api/status']) {
      const res = await request(`${d.base}${p}`, { headers: { Cookie: d.cookie } });
      assert.match(String(res.headers['content-security-policy']), /^default-src 'self'/, p);
    }
    assert.equal((await act(d, 'signal', { signal: 'SIGCONT', targets: ['web:0'] })).status, 200);
    await waitFor(() => supd.supdLog().includes('signal SIGCONT web:0 via http'));
  });

  test('no env value in any response', async () => {
    await act(d, 'report', { name: 'daily' });
    const bodies = await Promise.all(
      ['/api/status', '/metrics', '/api/supd-log', '/', '/app.js'].map(async (p) => (await request(`${d.base}${p}`, { headers: { Cookie: d.cookie } })).body),
    );
    bodies.push((await act(d, 'report', { name: 'daily' })).body, (await act(d, 'reload', { dryRun: true })).body);
    for (const body of bodies) assert.ok(!body.includes(SECRET), body.slice(0, 200));
    assert.ok(bodies[0]!.includes('web:0'));
  });
});

describe('[supervisor.http] in the config', () => {
  test('a non-loopback listen without allow_remote is a config error naming the key; allow_remote without TLS too', async () => {
    await withTempDir(async (temp) => {
      const file = temp.write('daemons.toml', `[supervisor.http]\nlisten = "0.0.0.0:9190"\n\n[programs.web]\ncommand = "true"\n`);
      const result = await runCli(['check', '-c', file]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /daemons\.toml: supervisor\.http\.listen: 0\.0\.0\.0:9190 is not a loopback address: set allow_remote = true.*\(line 2\)/);
      temp.write('daemons.toml', `[supervisor.http]\nlisten = "0.0.0.0:9190"\nallow_remote = true\n\n[programs.web]\ncommand = "true"\n`);
      const tls = await runCli(['check', '-c', file]);
      assert.equal(tls.code, 2);
      assert.match(tls.stderr, /supervisor\.http\.cert: is required: a non-loopback listen \(0\.0\.0\.0:9190\) speaks TLS only/);
      temp.write('daemons.toml', `[supervisor.http]\nlisten = "localhost:9190"\nmetrics_token = "short"\n\n[programs.web]\ncommand = "true"\n`);
      assert.match((await runCli(['check', '-c', file])).stderr, /supervisor\.http\.metrics_token: must NOT have fewer than 16 characters/);
    });
  });

  test('metrics_token: /metrics needs the bearer token; supd dashboard without [supervisor.http] says how to turn it on', async () => {
    await withSupd(`[supervisor.http]\nlisten = "127.0.0.1:0"\nmetrics_token = "scrape-token-0123456789"\n\n[programs.web]\ncommand = [${node}, ${forever}]\n`, async (supd) => {
      const d = await dashboardOf(supd);
      assert.equal((await request(`${d.base}/metrics`)).status, 401);
      assert.equal((await request(`${d.base}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
      assert.equal((await request(`${d.base}/metrics`, { headers: { Authorization: 'Bearer scrape-token-0123456789' } })).status, 200);
    });
    await withSupd(`[programs.web]\ncommand = [${node}, ${forever}]\n`, async (plain) => {
      const result = await plain.cli('dashboard');
      assert.equal(result.code, 2);
      assert.match(result.stderr, /the dashboard is off: set \[supervisor\.http\] listen/);
    });
  });

  test('with cert and key it speaks HTTPS only, and the cookie is Secure', { skip: needTools('openssl') }, async () => {
    const temp = makeTempDir();
    const made = spawnSync(findTool('openssl')!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(temp.dir, 'key.pem'), '-out', path.join(temp.dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    await withSupd(`[supervisor.http]\nlisten = "127.0.0.1:0"\ncert = "cert.pem"\nkey = "key.pem"\n\n[programs.web]\ncommand = [${node}, ${forever}]\n`, { reuse: temp }, async (supd) => {
      const d = await dashboardOf(supd);
      assert.match(d.url, /^https:\/\/127\.0\.0\.1:[0-9]+\/\?token=[0-9a-f]{64}$/);
      const login = await new Promise<http.IncomingMessage>((resolve, reject) => https.get(d.url, { rejectUnauthorized: false }, resolve).on('error', reject));
      login.resume();
      assert.equal(login.statusCode, 303);
      assert.match(String(login.headers['set-cookie']), /HttpOnly; SameSite=Strict; Secure$/);
      await assert.rejects(request(`${d.base.replace('https:', 'http:')}/metrics`), 'plain HTTP is not answered');
    });
  });

  test('listen = "unix:PATH": the dashboard over a unix socket (0600)', async () => {
    await withSupd(`[supervisor.http]\nlisten = "unix:.supd/http.sock"\n\n[programs.web]\ncommand = [${node}, ${forever}]\n`, async (supd) => {
      const d = await dashboardOf(supd);
      const socketPath = path.join(supd.dir, '.supd', 'http.sock');
      assert.equal(statSync(socketPath).mode & 0o777, 0o600);
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http.get({ socketPath, path: '/api/status', headers: { Cookie: d.cookie, Host: 'localhost' } }, (r) => {
          let body = '';
          r.on('data', (c: Buffer) => (body += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode!, body }));
        }).on('error', reject);
      });
      assert.equal(res.status, 200);
      assert.match(res.body, /"name":"web:0"/);
    });
  });
});
