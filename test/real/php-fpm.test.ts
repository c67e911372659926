// php-fpm 8.2 under supd (`-F -y conf`, a static pool of 2): readiness and user switching,
// `supd signal USR2` (a graceful reload) while a request is in flight, kill -9 of the master
// (no worker survives it, the new master binds, no respawn loop), a graceful stop ending in
// "exiting, bye-bye", and `error_log = /proc/self/fd/2` reaching supd's log of it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { assertRuns, childrenOf, daemonUser, fastcgiGet, fileText, fpmServes, freePort, makeRealDir, phpFpmProgram, programLog, skipUnless, withReal, stopCleanly, uidOf } from './daemons.js';

const skip = skipUnless('phpFpm');

test('php-fpm: starts as www-data, reloads on USR2 without losing a request, survives kill -9 of its master, says bye-bye on stop', { skip, timeout: 90_000 }, async (t) => {
  const real = makeRealDir();
  const port = await freePort();
  const user = daemonUser('www-data');
  await withReal(real, phpFpmProgram(real, { port, user }), async (supd) => {
    const script = path.join(real.dir, 'php', 'slow.php');
    const fpmLog = (): string => fileText(path.join(real.dir, 'php', 'php-fpm.log'));
    const first = await supd.waitForState('php:0', 'running', 20_000);

    await t.test('ready on its port, master and workers as www-data', async () => {
      assert.match(await fastcgiGet(port, script, 'ms=0'), /slept pid=\d+/);
      const workers = await waitFor(() => (childrenOf(first.pid!).length === 2 ? childrenOf(first.pid!) : null), { what: '2 workers' });
      if (user !== null) for (const pid of [first.pid!, ...workers]) assert.equal(uidOf(pid), user.uid, `pid ${pid} runs as ${user.name}`);
    });

    await t.test('supd signal USR2 php during a request: the request completes, the master reloads in place', async () => {
      const request = fastcgiGet(port, script, 'ms=1500&id=usr2');
      await waitFor(() => existsSync(path.join(real.dir, 'php', 'started-usr2')), { what: 'the request to reach a worker' });
      const signalled = await supd.cli('signal', 'USR2', 'php');
      assert.equal(signalled.code, 0, signalled.stderr);
      assert.match(await request, /slept pid=\d+/, 'the in-flight request got its answer');
      await waitFor(() => fpmServes(port, script), { what: 'php-fpm to serve after its reload' });
      assert.match(fpmLog(), /Reloading in progress/);
      const after = await supd.proc('php:0');
      assert.equal(after.pid, first.pid, 'php-fpm re-executes itself in place');
      assert.equal(after.restarts, 0);
    });

    await t.test('kill -9 of the master: no worker survives it, the new master binds, no respawn loop', async () => {
      const { pid } = await supd.proc('php:0');
      const workers = childrenOf(pid!);
      assert.ok(workers.length >= 1);
      process.kill(pid!, 'SIGKILL');
      await waitFor(() => workers.every((w) => !isAlive(w)), { timeoutMs: 3000, what: `the old workers ${workers.join(', ')} to be gone` });
      const second = await supd.waitForState('php:0', (p) => p.state === 'running' && p.pid !== pid, 20_000);
      await waitFor(() => fpmServes(port, script), { what: 'the new php-fpm to serve' });
      const restarts = (await supd.proc('php:0')).restarts;
      assert.ok(restarts <= 2, `restarts stays small: ${restarts} (first seen running: ${second.restarts})`);
    });

    await t.test('stop: SIGQUIT to the master, php-fpm says "exiting, bye-bye", nothing is left', async () => {
      await stopCleanly(real, supd, 'php');
      assert.match(fpmLog(), /exiting, bye-bye/);
    });
  });
});

test('php-fpm: error_log = /proc/self/fd/2 reaches its log under supd, ready by its log line', { skip, timeout: 60_000 }, async () => {
  const real = makeRealDir();
  const port = await freePort();
  await withReal(real, phpFpmProgram(real, { port, user: daemonUser('www-data'), errorLog: '/proc/self/fd/2' }), async (supd) => {
    await assertRuns(supd, 'php:0');
    assert.match(programLog(supd, 'php:0', 'err'), /fpm is running, pid \d+/);
  });
});
