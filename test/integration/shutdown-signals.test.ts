// Issue 14 bug 11: a second SIGTERM/SIGINT during shutdown is logged; a third sends SIGKILL to
// what is left, so a stuck stop never needs a kill -9 of supd (which would orphan nothing, but
// leaves no clean exit either).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir } from '../helpers/temp.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`a third ${signal} during shutdown sends SIGKILL to what is left; the second is logged`, async () => {
    await withSupd(`
[supervisor]
shutdown_timeout = "5m"
[programs.stuck]
command = [${node}, "${BIN}/ignore-sigterm.js"]
stop_timeout = "5m"
start_secs = "200ms"
`, async (supd) => {
      const { pid } = await supd.waitForState('stuck:0', 'running');
      // Running after 200 ms is not yet past Node's start-up on a busy machine: wait for its handler.
      const outLog = path.join(supd.dir, 'logs', 'stuck-0.out.log');
      await waitFor(() => existsSync(outLog) && readFileSync(outLog, 'utf8').includes('up'), { what: 'stuck to be up' });
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
    });
  });
}

const noScript = spawnSync('script', ['--version']).status === 0 ? false : 'needs script (util-linux) to give supd a terminal';

test('on a terminal, the second Ctrl-C (SIGINT) already sends SIGKILL to what is left', { skip: noScript }, async () => {
  const temp = makeTempDir();
  const config = temp.write('daemons.toml', `[supervisor]\nshutdown_timeout = "5m"\n[programs.stuck]\ncommand = [${node}, "${BIN}/ignore-sigterm.js"]\nstop_timeout = "5m"\n`);
  const supdLog = (): string => (existsSync(path.join(temp.dir, 'logs', 'supd.log')) ? readFileSync(path.join(temp.dir, 'logs', 'supd.log'), 'utf8') : '');
  // script gives supd a pseudo-terminal as stdin, as a shell in a terminal would.
  const term = spawn('script', ['-qfec', `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SUPD_BIN)} run -c ${JSON.stringify(config)}`, '/dev/null'], { cwd: temp.dir, stdio: ['pipe', 'ignore', 'ignore'] }); // stdin kept open: at its EOF script would end the session
  let supdPid: number | null = null;
  let stuckPid: number | null = null;
  try {
    stuckPid = Number(await waitFor(() => /\[stuck:0\] spawned pid (\d+)/.exec(supdLog())?.[1], { what: 'stuck to be spawned' }));
    supdPid = Number(readFileSync(path.join(temp.dir, '.supd', 'supd.pid'), 'utf8').trim());
    // Its SIGTERM handler is set before it prints "up": a signal sooner would end it.
    const outLog = path.join(temp.dir, 'logs', 'stuck-0.out.log');
    await waitFor(() => existsSync(outLog) && readFileSync(outLog, 'utf8').includes('up'), { what: 'stuck to be up' });
    process.kill(supdPid, 'SIGINT');
    await waitFor(() => /\[stuck:0\] stopping: sent SIGTERM/.test(supdLog()), { what: 'the graceful stop' });
    process.kill(supdPid, 'SIGINT');
    await waitFor(() => !isAlive(supdPid!), { what: 'supd to exit after the second Ctrl-C' });
    assert.ok(!isAlive(stuckPid), 'stuck was killed');
    assert.match(supdLog(), /SIGINT again while shutting down: sending SIGKILL to stuck:0/);
  } finally {
    for (const pid of [supdPid, stuckPid]) if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
    term.kill('SIGKILL');
    temp.remove();
  }
});
