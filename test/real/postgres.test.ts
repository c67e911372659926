// PostgreSQL under supd: initdb into a temp dir as the postgres user, the postmaster in the
// foreground, `running` once it logs that it accepts connections; kill -9 of the postmaster
// (its children go with it, the new postmaster gets past the stale postmaster.pid and
// recovers); `stop` as a fast shutdown, seen in PostgreSQL's own log.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { BIN, childrenOf, daemonUser, freePort, initPostgres, makeRealDir, postgresProgram, programLog, skipUnless, withReal, stopCleanly, uidOf } from './daemons.js';

/** The result of one query through psql over TCP, or null when it failed. */
export function query(port: number, sql: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(path.join(BIN.postgres ?? '', 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-Atc', sql], { timeout: 10_000 }, (error, stdout) =>
      resolve(error === null ? stdout.trim() : null),
    );
  });
}

test('PostgreSQL: ready by its log line as postgres, recovers from kill -9 of the postmaster, fast shutdown on stop', { skip: skipUnless('postgres'), timeout: 90_000 }, async (t) => {
  const real = makeRealDir();
  const port = await freePort();
  const user = daemonUser('postgres');
  const data = initPostgres(real, user);
  await withReal(real, postgresProgram(real, { port, user, data }), async (supd) => {
    const first = await supd.waitForState('postgres:0', 'running', 30_000);

    await t.test('running once it accepts connections, as postgres', async () => {
      assert.equal(await query(port, 'select 40 + 2'), '42');
      if (user !== null) assert.equal(uidOf(first.pid!), user.uid);
      assert.match(programLog(supd, 'postgres:0', 'err'), /database system is ready to accept connections/);
    });

    await t.test('kill -9 of the postmaster: its children go, the next one recovers from the stale postmaster.pid', async () => {
      const children = childrenOf(first.pid!);
      assert.ok(children.length >= 3, `checkpointer, writers...: ${children.join(', ')}`);
      process.kill(first.pid!, 'SIGKILL');
      await waitFor(() => children.every((pid) => !isAlive(pid)), { timeoutMs: 3000, what: `the old children ${children.join(', ')} to be gone` });
      const second = await supd.waitForState('postgres:0', (p) => p.state === 'running' && p.pid !== first.pid, 30_000);
      assert.equal(await query(port, 'select 1'), '1');
      const log = programLog(supd, 'postgres:0', 'err');
      assert.match(log, /database system was interrupted|not properly shut down; automatic recovery in progress/);
      assert.doesNotMatch(log, /pre-existing shared memory block .* is still in use/);
      assert.ok(second.restarts <= 2, `restarts: ${second.restarts}`);
    });

    await t.test('stop: SIGINT, a fast shutdown in its own log, nothing is left', async () => {
      const { err } = await stopCleanly(real, supd, 'postgres');
      assert.match(err, /received fast shutdown request/);
      assert.match(err, /database system is shut down/);
    });
  });
});
