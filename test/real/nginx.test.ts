// Debian's nginx under supd (`daemon off;`, 2 workers): readiness and user switching, kill -9
// of the master (no worker keeps the port, the new master binds), `supd signal HUP` during a
// download, a graceful stop in nginx's own log, and `access_log /dev/stdout`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { assertRuns, childrenOf, daemonUser, freePort, httpGet, makeRealDir, nginxProgram, programLog, serves, skipUnless, withReal, stopCleanly, uidOf } from './daemons.js';

const skip = skipUnless('nginx');

test('nginx: starts as www-data, reloads on HUP mid-download, survives kill -9 of its master, stops gracefully', { skip, timeout: 90_000 }, async (t) => {
  const real = makeRealDir();
  const port = await freePort();
  const user = daemonUser('www-data');
  await withReal(real, nginxProgram(real, { port, user }), async (supd) => {
    const first = await supd.waitForState('nginx:0', 'running', 20_000);

    await t.test('ready on its port, master and workers as www-data', async () => {
      assert.equal((await httpGet(port, '/')).body, 'hello from nginx\n');
      const workers = await waitFor(() => (childrenOf(first.pid!).length === 2 ? childrenOf(first.pid!) : null), { what: '2 workers' });
      if (user !== null) for (const pid of [first.pid!, ...workers]) assert.equal(uidOf(pid), user.uid, `pid ${pid} runs as ${user.name}`);
    });

    await t.test('supd signal HUP nginx during a download: the download completes, new workers take over', async () => {
      const { pid } = await supd.proc('nginx:0');
      const before = childrenOf(pid!);
      let begun = false;
      const download = httpGet(port, '/big', () => (begun = true));
      await waitFor(() => begun, { what: 'the download to begin' });
      const signalled = await supd.cli('signal', 'HUP', 'nginx');
      assert.equal(signalled.code, 0, signalled.stderr);
      const reply = await download;
      assert.equal(reply.status, 200);
      assert.equal(reply.body.length, 192 * 1024, 'every byte arrived');
      await waitFor(() => childrenOf(pid!).some((w) => !before.includes(w)), { what: 'new workers' });
      assert.equal((await supd.proc('nginx:0')).pid, pid, 'the master stays');
      assert.match(programLog(supd, 'nginx:0', 'err'), /reconfiguring/);
    });

    await t.test('kill -9 of the master: no worker survives it, the new master binds, no respawn loop', async () => {
      const workers = childrenOf(first.pid!);
      assert.equal(workers.length, 2);
      process.kill(first.pid!, 'SIGKILL');
      await waitFor(() => workers.every((pid) => !isAlive(pid)), { timeoutMs: 3000, what: `the old workers ${workers.join(', ')} to be gone` });
      const second = await supd.waitForState('nginx:0', (p) => p.state === 'running' && p.pid !== first.pid, 20_000);
      await waitFor(() => serves(port), { timeoutMs: 10_000, what: 'the new nginx to serve' });
      assert.ok(!programLog(supd, 'nginx:0', 'err').includes('Address already in use'), 'the new master bound at once');
      assert.ok((await supd.proc('nginx:0')).restarts <= 2, `restarts stays small: ${second.restarts}`);
      assert.match(supd.supdLog(), /\[nginx:0\] killed [12] leftover process/, 'supd.log says how many it killed');
    });

    await t.test('stop: SIGQUIT to the master, nginx shuts down gracefully, nothing is left', async () => {
      assert.match((await stopCleanly(real, supd, 'nginx')).err, /gracefully shutting down/);
    });
  });
});

test('nginx: access_log /dev/stdout reaches nginx\'s log under supd', { skip, timeout: 60_000 }, async () => {
  const real = makeRealDir();
  const port = await freePort();
  await withReal(real, nginxProgram(real, { port, user: daemonUser('www-data'), accessLog: '/dev/stdout' }), async (supd) => {
    await assertRuns(supd, 'nginx:0');
    assert.equal((await httpGet(port, '/?from-the-test')).status, 200);
    await waitFor(() => programLog(supd, 'nginx:0', 'out').includes('"GET /?from-the-test HTTP/1.1" 200'), { what: 'the access line in nginx-0.out.log' });
  });
});
