// Issue 14 bug 11: a second SIGTERM/SIGINT during shutdown is logged; a third sends SIGKILL to
// what is left, so a stuck stop never needs a kill -9 of supd (which would orphan nothing, but
// leaves no clean exit either).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { startSupd } from '../helpers/supd.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`a third ${signal} during shutdown sends SIGKILL to what is left; the second is logged`, async () => {
    const supd = await startSupd(`
[supervisor]
shutdown_timeout = "5m"
[programs.stuck]
command = [${node}, "${BIN}/ignore-sigterm.js"]
stop_timeout = "5m"
start_secs = "200ms"
`);
    try {
      const { pid } = await supd.waitForState('stuck:0', 'running');
      const exited = new Promise<number | null>((resolve) => supd.child.once('exit', (code) => resolve(code)));
      supd.child.kill(signal);
      await waitFor(() => /\[stuck:0\] stopping: sent SIGTERM/.test(supd.supdLog()), { what: 'the graceful stop' });
      supd.child.kill(signal);
      await waitFor(() => new RegExp(`${signal} again while shutting down: still stopping stuck:0; one more sends SIGKILL`).test(supd.supdLog()), { what: 'the second signal logged' });
      assert.ok(isAlive(pid!), 'the second signal kills nothing');
      supd.child.kill(signal);
      assert.equal(await exited, 0, supd.output());
      assert.ok(!isAlive(pid!), 'stuck was killed');
      assert.match(supd.supdLog(), new RegExp(`${signal} again while shutting down: sending SIGKILL to stuck:0`));
    } finally {
      await supd.cleanup();
    }
  });
}
