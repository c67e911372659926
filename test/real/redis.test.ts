// Debian's redis-server under supd (`--port X --save ''`, in the foreground): readiness and
// user switching, kill -9 (the new server binds at once, no respawn loop), and a graceful stop
// seen in redis's own log.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { waitFor } from '../helpers/wait-for.js';
import { daemonUser, freePort, makeRealDir, redisProgram, skipUnless, withReal, stopCleanly, uidOf } from './daemons.js';

/** Whether redis answers PING with +PONG. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(2000, () => socket.destroy());
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

test('redis-server: starts as redis, comes back from kill -9, stops gracefully', { skip: skipUnless('redis'), timeout: 60_000 }, async (t) => {
  const real = makeRealDir();
  const port = await freePort();
  const user = daemonUser('redis');
  await withReal(real, redisProgram(real, { port, user }), async (supd) => {
    const first = await supd.waitForState('redis:0', 'running', 20_000);

    await t.test('ready on its port, as the redis user', async () => {
      assert.ok(await pings(port));
      if (user !== null) assert.equal(uidOf(first.pid!), user.uid);
    });

    await t.test('kill -9: the new server binds, no respawn loop', async () => {
      process.kill(first.pid!, 'SIGKILL');
      await supd.waitForState('redis:0', (p) => p.state === 'running' && p.pid !== first.pid, 20_000);
      await waitFor(() => pings(port), { what: 'the new redis to answer' });
      assert.ok((await supd.proc('redis:0')).restarts <= 2);
    });

    await t.test('stop: SIGTERM, redis says bye in its own log, nothing is left', async () => {
      const { out } = await stopCleanly(real, supd, 'redis');
      assert.match(out, /Received SIGTERM scheduling shutdown/);
      assert.match(out, /Redis is now ready to exit, bye bye/);
    });
  });
});
