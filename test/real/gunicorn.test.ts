// gunicorn under supd (2 sync workers, a small WSGI app): readiness and user switching,
// `supd signal HUP` (new workers, the in-flight request finishes), kill -9 of the master (no
// worker keeps the port, the new master binds) and a graceful stop that lets an in-flight
// request finish, seen in gunicorn's own log.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { childrenOf, daemonUser, freePort, gunicornProgram, httpGet, leftBehind, makeRealDir, programLog, serves, skipUnless, withReal, uidOf } from './daemons.js';

test('gunicorn: starts as www-data, reloads on HUP mid-request, survives kill -9 of its master, finishes a request on stop', { skip: skipUnless('gunicorn'), timeout: 90_000 }, async (t) => {
  const real = makeRealDir();
  const port = await freePort();
  const user = daemonUser('www-data');
  await withReal(real, gunicornProgram(real, { port, user }), async (supd) => {
    const started = (id: string): boolean => existsSync(path.join(real.dir, 'app', `started-${id}`));
    const first = await supd.waitForState('gunicorn:0', 'running', 20_000);

    await t.test('ready on its port, master and workers as www-data', async () => {
      assert.match((await httpGet(port, '/')).body, /^ok pid=\d+/);
      const workers = await waitFor(() => (childrenOf(first.pid!).length === 2 ? childrenOf(first.pid!) : null), { what: '2 workers' });
      if (user !== null) for (const pid of [first.pid!, ...workers]) assert.equal(uidOf(pid), user.uid, `pid ${pid} runs as ${user.name}`);
    });

    await t.test('supd signal HUP gunicorn during a request: it completes, new workers take over', async () => {
      const before = childrenOf(first.pid!);
      const request = httpGet(port, '/slow?ms=1500&id=hup');
      await waitFor(() => started('hup'), { what: 'the request to reach a worker' });
      const signalled = await supd.cli('signal', 'HUP', 'gunicorn');
      assert.equal(signalled.code, 0, signalled.stderr);
      assert.equal((await request).status, 200, 'the in-flight request got its answer');
      await waitFor(() => childrenOf(first.pid!).filter((w) => !before.includes(w)).length === 2, { what: '2 new workers' });
      assert.match(programLog(supd, 'gunicorn:0', 'err'), /Handling signal: hup/);
      assert.equal((await supd.proc('gunicorn:0')).restarts, 0);
    });

    await t.test('kill -9 of the master: no worker survives it, the new master binds, no respawn loop', async () => {
      const { pid } = await supd.proc('gunicorn:0');
      const workers = childrenOf(pid!);
      process.kill(pid!, 'SIGKILL');
      await waitFor(() => workers.every((w) => !isAlive(w)), { timeoutMs: 3000, what: `the old workers ${workers.join(', ')} to be gone` });
      await supd.waitForState('gunicorn:0', (p) => p.state === 'running' && p.pid !== pid, 20_000);
      await waitFor(() => serves(port), { what: 'the new gunicorn to serve' });
      assert.doesNotMatch(programLog(supd, 'gunicorn:0', 'err'), /Connection in use/, 'the new master bound at once');
      const restarts = (await supd.proc('gunicorn:0')).restarts;
      assert.ok(restarts <= 2, `restarts stays small: ${restarts}`);
    });

    await t.test('stop during a request: SIGTERM to the master, the request finishes, gunicorn logs its shutdown', async () => {
      const request = httpGet(port, '/slow?ms=1500&id=stop');
      await waitFor(() => started('stop'), { what: 'the request to reach a worker' });
      const stopped = supd.cli('stop', 'gunicorn');
      assert.equal((await request).status, 200, 'the in-flight request got its answer');
      assert.equal((await stopped).code, 0);
      const log = programLog(supd, 'gunicorn:0', 'err');
      assert.match(log, /Handling signal: term/);
      assert.match(log, /Shutting down: Master/);
      assert.deepEqual(leftBehind(real, supd), [], 'nothing of it is left');
    });
  });
});
