// For test/fixtures/bin/daemonize.js (a program that daemonizes itself and writes its daemon's
// pid to daemon.pid): what supd must make of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SupdUnderTest } from './supd.js';
import { isAlive } from './wait-for.js';

/** Waits for `name` to be fatal for having daemonized: the reason names the daemon's pid, and it was not respawned. The daemon is killed at cleanup. */
export async function expectFatalDaemonized(supd: SupdUnderTest, name = 'forker:0'): Promise<void> {
  let daemonPid = 0;
  supd.onCleanup(() => daemonPid > 0 && isAlive(daemonPid) && process.kill(daemonPid, 'SIGKILL'));
  const fatal = await supd.waitForState(name, 'fatal');
  daemonPid = Number(readFileSync(path.join(supd.dir, 'daemon.pid'), 'utf8'));
  assert.match(fatal.reason ?? '', new RegExp(`daemonized itself: .*leaving pid ${daemonPid} running`));
  assert.equal(fatal.restarts, 0, 'not respawned');
}
