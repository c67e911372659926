// Issue 12 (SPEC section 7): start_secs against `ready`, ready.tcp read from /proc, the
// daemonized check with `ready`, depends_on at every start, commands run as the program's
// user, and memory as PSS.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { expectFatalDaemonized } from '../helpers/daemonized.js';
import { FIXTURES } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { spawnCli, withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const isRoot = process.getuid?.() === 0;

/** A listening server of the test itself (someone else's port, as far as supd's programs go). */
function listenHere(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({ port, connections: () => connections, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

describe('start_secs against ready', () => {
  test('ready, then an exit within start_secs: a failed start, backed off, not respawned at once', async () => {
    await withSupd(`
[programs.flash]
command = ["sh", "-c", "echo up; sleep 0.2; exit 1"]
ready = { log = "up" }
start_secs = "2s"
backoff = { initial = "4s" }
`, async (supd) => {
      const backoff = await supd.waitForState('flash:0', 'backoff');
      assert.ok(backoff.restarts <= 1, `restarts ${backoff.restarts}`);
      assert.match(supd.supdLog(), /\[flash:0\] exited too soon \(1 in a row\)/);
      assert.ok((await supd.proc('flash:0')).restarts <= 1, 'no instant respawn loop');
    });
  });

  test('ready and up past start_secs: an exit respawns at once (the backoff is for failed starts)', async () => {
    await withSupd(`
[programs.steady]
command = ["sh", "-c", "echo up; sleep 0.6; exit 1"]
ready = { log = "up" }
start_secs = "300ms"
backoff = { initial = "30s" }
`, async (supd) => {
      await supd.waitForState('steady:0', (p) => p.restarts >= 2, 15_000);
      assert.doesNotMatch(supd.supdLog(), /exited too soon/);
    });
  });
});

describe('ready.tcp reads /proc', () => {
  test('a port held by another process never makes a copy running, and is never connected to', async (t) => {
    const other = await listenHere();
    t.after(() => other.close());
    await withSupd(`
[programs.squatter]
command = [${node}, "${BIN}/forever.js"]
ready = { tcp = "127.0.0.1:${other.port}", interval = "50ms", timeout = "1500ms" }
stop_timeout = "1s"
backoff = { initial = "30s" }
`, async (supd) => {
      const failed = await supd.waitForState('squatter:0', 'backoff');
      assert.match(failed.reason ?? '', /not ready within 1500 ms/);
      assert.match(failed.reason ?? '', /belongs to another process/);
      assert.equal(other.connections(), 0, 'the probe made no connection');
    });
  });

  test("a listener of the copy's descendant (a shell in front) makes it running", async () => {
    const port = await freePort();
    await withSupd(`
[programs.wrapped]
command = ["sh", "-c", "${process.execPath} ${BIN}/serve.js; exit 3"]
env = { PORT = "${port}", DELAY_MS = "300" }
ready = { tcp = "localhost:${port}", interval = "50ms", timeout = "20s" }
start_secs = "0"
`, async (supd) => {
      const running = await supd.waitForState('wrapped:0', 'running');
      assert.equal(running.restarts, 0);
    });
  });
});

describe('the daemonized check with ready', () => {
  test('a program that exits 0 leaving a daemon behind is fatal even though its ready passed', async () => {
    await withSupd(`
[programs.forker]
command = [${node}, "${BIN}/daemonize.js", "daemon.pid"]
env = { SAY_READY_MS = "300" }
ready = { log = "started" }
`, async (supd) => {
      await expectFatalDaemonized(supd);
    });
  });
});

describe('depends_on holds every start', () => {
  const config = `
[programs.db]
command = ["sh", "-c", "[ -e crash ] && exit 1; exec sleep 1000"]
start_secs = "500ms"
backoff = { initial = "200ms", max = "1s" }

[programs.app]
command = ["sleep", "1000"]
depends_on = ["db"]
start_secs = "0"
`;

  test('a crash respawn and `supd restart` wait while the dependency is down, and start once it runs', async () => {
    await withSupd(config, async (supd) => {
      await supd.waitForState('app:0', 'running');
      // db goes into a crash loop: never running.
      writeFileSync(path.join(supd.dir, 'crash'), '');
      process.kill((await supd.proc('db:0')).pid!, 'SIGKILL');
      await supd.waitForState('db:0', (p) => p.state === 'backoff' || p.restarts >= 2);
      process.kill((await supd.proc('app:0')).pid!, 'SIGKILL');
      const held = await supd.waitForState('app:0', 'stopped');
      assert.equal(held.reason, 'waiting for db');
      assert.equal(held.wanted, 'up');
      assert.equal(held.pid, null);
      assert.match(supd.supdLog(), /\[app:0\] not starting it: waiting for db/);
      // db runs again: app comes back by itself.
      rmSync(path.join(supd.dir, 'crash'));
      const back = await supd.waitForState('app:0', 'running', 15_000);
      assert.equal((await supd.proc('db:0')).state, 'running');
      assert.equal(back.reason, null);

      // `supd restart app` while db is down: app waits as well.
      writeFileSync(path.join(supd.dir, 'crash'), '');
      process.kill((await supd.proc('db:0')).pid!, 'SIGKILL');
      await supd.waitForState('db:0', (p) => p.state !== 'running');
      const restart = await supd.cli('restart', 'app', '--no-wait');
      assert.equal(restart.code, 0, restart.stderr);
      const heldAgain = await supd.waitForState('app:0', 'stopped');
      assert.equal(heldAgain.reason, 'waiting for db');
      assert.equal((await supd.proc('db:0')).state === 'running', false);
      rmSync(path.join(supd.dir, 'crash'));
      await supd.waitForState('app:0', 'running', 15_000);
    });
  });

  test('a health restart waits for the dependency too', async () => {
    await withSupd(`${config}health = { exec = ["sh", "-c", "test ! -e sick"], interval = "200ms", retries = 1 }\n`, async (supd) => {
      await supd.waitForState('app:0', (p) => p.state === 'running' && p.healthy === true);
      writeFileSync(path.join(supd.dir, 'crash'), '');
      process.kill((await supd.proc('db:0')).pid!, 'SIGKILL');
      await supd.waitForState('db:0', (p) => p.state !== 'running');
      writeFileSync(path.join(supd.dir, 'sick'), '');
      const held = await supd.waitForState('app:0', 'stopped');
      assert.equal(held.reason, 'waiting for db');
      assert.match(supd.supdLog(), /\[app:0\] restarting: 1 health checks failed/);
      rmSync(path.join(supd.dir, 'sick'));
      rmSync(path.join(supd.dir, 'crash'));
      await supd.waitForState('app:0', 'running', 15_000);
    });
  });
});

describe('commands run for a program run as the program', () => {
  const skip = isRoot ? false : 'SKIP: user switching needs supd to run as root (CI runs as root)';

  test('health exec, hooks and scheduled runs run with the user, group, env and cwd of the program', { skip }, async () => {
    // Each check its own exit code, so supd.log's `unhealthy: exec ...: exit N` says which failed.
    const check = ['[ "$(id -u)" = 65534 ] || exit 11', '[ "$(id -g)" = "$(id -g nobody)" ] || exit 12', '[ "$USER" = nobody ] || exit 13', '[ "$HOME" = "$(getent passwd nobody | cut -d: -f6)" ] || exit 14', '[ "$(pwd)" = /usr ] || exit 15', '[ "$MARK" = yes ] || exit 16', 'echo "as-program-ok $SUPD_EVENT"'].join('; ');
    const argv = JSON.stringify(['sh', '-c', check]);
    await withSupd(`
[defaults]
user = "nobody"
cwd = "/usr"
env = { MARK = "yes" }

[programs.pg]
command = ["sleep", "1000"]
start_secs = "0"
health = { exec = ${argv}, interval = "200ms", retries = 100 }
hooks = { before_start = ${argv}, after_start = ${argv} }

[programs.job]
command = ${argv}
schedule = "0 0 1 1 *"
`, async (supd) => {
      const healthy = await waitFor(async () => {
        const p = await supd.proc('pg:0');
        return p.healthy === null ? null : p;
      }, { what: 'a first health verdict' });
      assert.equal(healthy.healthy, true, `health exec ran as someone else: ${supd.supdLog()}`);
      await waitFor(() => supd.supdLog().includes('after_start hook: as-program-ok after_start'), { what: 'the after_start hook' });
      assert.match(supd.supdLog(), /before_start hook: as-program-ok before_start/);
      assert.doesNotMatch(supd.supdLog(), /hook failed/);
      assert.equal((await supd.cli('start', 'job')).code, 0);
      const ran = await supd.waitForState('job:0', (p) => p.state === 'waiting' && p.exit_code !== null);
      assert.equal(ran.exit_code, 0, 'the scheduled run ran as the program');
    });
  });
});

describe('memory is the tree PSS', () => {
  // A prefork daemon: 40 MB written (a 20 MB string built, then copied), then 3 workers forked
  // that share it copy-on-write.
  const prefork = `["perl", "-e", "$| = 1; my $x = 'x' x (20 << 20); for (1 .. 3) { if (!fork) { sleep 1000; exit 0 } } print qq(forked\\\\n); sleep 1000"]`;

  test('status gives pss_bytes beside rss_bytes; max_memory and the table use the PSS', async () => {
    await withSupd(`
[programs.prefork]
command = ${prefork}
ready = { log = "forked" }
start_secs = "0"
max_memory = "120M"

[programs.control]
command = ${prefork}
ready = { log = "forked" }
start_secs = "0"
max_memory = "20M"
`, async (supd) => {
      const p = await supd.waitForState('prefork:0', (s) => s.state === 'running' && (s.rss_bytes ?? 0) > 140 * 1024 * 1024, 20_000);
      assert.ok(p.pss_bytes !== null && p.pss_bytes > 30 * 1024 * 1024, `pss ${p.pss_bytes}`);
      assert.ok(p.pss_bytes < p.rss_bytes! / 2, `PSS ${p.pss_bytes} is well under RSS ${p.rss_bytes}: the 40 MB is counted once`);
      // The control (same tree, limit under its PSS) is restarted by the same sampling: by then
      // prefork (RSS past its limit, PSS under it) has been sampled too, and is left alone.
      await supd.waitForState('control:0', (s) => s.restarts >= 1, 20_000);
      assert.equal((await supd.proc('prefork:0')).restarts, 0, supd.supdLog());
      assert.match(supd.supdLog(), /\[control:0\] memory \d+(\.\d+)?M passed max_memory 20M: restarting/);
      const table = await supd.cli('status', 'prefork');
      const memory = table.stdout.split('\n')[1]!.trim().split(/\s+/)[5]!;
      assert.match(memory, /^\d+(\.\d+)?M$/);
      assert.ok(Number(memory.slice(0, -1)) < 100, `the table shows the PSS (${memory}), not the RSS`);
      const stopped = await supd.cli('stop', 'prefork');
      assert.equal(stopped.code, 0);
      const none = await supd.proc('prefork:0');
      assert.equal(none.rss_bytes, null);
      assert.equal(none.pss_bytes, null);
    });
  });
});

describe('a start while the copy is stopping', () => {
  test('supd start waits for the stop, then starts it again (it is not left stopped)', async () => {
    await withSupd(`
[programs.web]
command = ["/bin/sh", "-c", "trap '' TERM; while true; do sleep 0.2; done"]
stop_timeout = "1500ms"
`, async (supd) => {
      const first = (await supd.waitForState('web:0', 'running')).pid;
      const stopping = spawnCli(supd, 'stop', 'web');
      const stopDone = new Promise<number | null>((resolve) => stopping.on('close', resolve));
      await supd.waitForState('web:0', 'stopping');
      const start = await supd.cli('start', 'web');
      assert.equal(start.code, 0, start.stderr);
      assert.match(start.stdout, /web:0 running/);
      const now = await supd.proc('web:0');
      assert.equal(now.state, 'running');
      assert.notEqual(now.pid, first);
      assert.equal(await stopDone, 0, 'the stop saw its copy stopped');
    });
  });
});
