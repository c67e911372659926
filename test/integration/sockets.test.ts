import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fdTarget, getOnce, heldPort, listenVars } from '../helpers/held-sockets.js';
import { ROOT } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const SERVER = path.join(ROOT, 'examples', 'socket-web.js');
const web = (extra: string, sockets = '{ http = "tcp://127.0.0.1:0", admin = "unix:run/admin.sock" }'): string => `
[programs.web]
command = [${JSON.stringify(process.execPath)}, ${JSON.stringify(SERVER)}]
sockets = ${sockets}
ready = { log = "listening on" }
${extra}
`;

describe('sockets: supd binds and holds listening sockets (issue 19)', () => {
  test('every copy gets them as fds 3, 4 with LISTEN_FDS, LISTEN_FDNAMES and its own LISTEN_PID; they outlive restarts and crashes', async () => {
    await withSupd(web('processes = 2'), async (supd) => {
      const port = await heldPort(supd);
      const [a, b] = await Promise.all([supd.waitForState('web:0', 'running'), supd.waitForState('web:1', 'running')]);
      for (const p of [a, b]) assert.deepEqual(listenVars(p.pid!), { LISTEN_FDS: '2', LISTEN_FDNAMES: 'http:admin', LISTEN_PID: String(p.pid) });
      const inode = fdTarget(a.pid!, 3);
      assert.match(inode ?? '', /^socket:\[\d+\]$/);
      assert.equal(fdTarget(b.pid!, 3), inode, 'both copies share one socket');
      assert.notEqual(fdTarget(a.pid!, 4), inode);
      const answer = await getOnce({ port });
      assert.equal(answer.status, 200);
      assert.ok([a.pid, b.pid].includes(answer.body.pid));
      const sock = path.join(supd.dir, 'run', 'admin.sock');
      assert.equal(statSync(sock).mode & 0o777, 0o660);
      assert.equal((await getOnce({ socketPath: sock })).status, 200);
      // A restart and a crash: the same socket, still answered.
      assert.equal((await supd.cli('restart', 'web:0')).code, 0);
      process.kill(b.pid!, 'SIGKILL');
      const a2 = await supd.waitForState('web:0', (p) => p.state === 'running' && p.pid !== a.pid);
      const b2 = await supd.waitForState('web:1', (p) => p.state === 'running' && p.pid !== b.pid);
      assert.equal(fdTarget(a2.pid!, 3), inode);
      assert.equal(fdTarget(b2.pid!, 3), inode);
      assert.ok([a2.pid, b2.pid].includes((await getOnce({ port })).body.pid));
    });
  });

  test('a program run as another user owns its unix socket file (mode 0660) and answers on it', { skip: process.getuid?.() === 0 ? false : 'SKIP: user switching needs supd to run as root (CI runs as root)' }, async () => {
    await withSupd(web('user = "nobody"', '{ admin = "unix:run/admin.sock" }'), async (supd) => {
      const copy = await supd.waitForState('web:0', 'running');
      const sock = path.join(supd.dir, 'run', 'admin.sock');
      const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':');
      const stat = statSync(sock);
      assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [Number(nobody[2]), Number(nobody[3]), 0o660]);
      assert.equal((await getOnce({ socketPath: sock })).body.pid, copy.pid);
    });
  });

  test('a port in use refuses the start, naming the program and the address', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const temp = makeTempDir();
    try {
      const config = temp.write('daemons.toml', web('', `{ http = "tcp://127.0.0.1:${port}" }`));
      const result = await runCli(['run', '-c', config], { cwd: temp.dir, env: { ...process.env, SUPD_TEST_DIR: temp.dir } });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stderr, new RegExp(`programs\\.web\\.sockets\\.http: cannot bind tcp://127\\.0\\.0\\.1:${port}: EADDRINUSE`));
    } finally {
      blocker.close();
      temp.remove();
    }
  });

  test('a reload that adds a busy address is refused and keeps everything; one that drops a socket closes it once its copies stopped', async (t) => {
    const blocker = net.createServer();
    t.after(() => blocker.close());
    await withSupd(web('processes = 2'), async (supd) => {
      const port = await heldPort(supd);
      const before = await Promise.all([supd.waitForState('web:0', 'running'), supd.waitForState('web:1', 'running')]);
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const busy = (blocker.address() as net.AddressInfo).port;
      writeFileSync(supd.config, web('processes = 2', `{ http = "tcp://127.0.0.1:0", admin = "unix:run/admin.sock", extra = "tcp://127.0.0.1:${busy}" }`));
      const refused = await supd.cli('reload');
      assert.equal(refused.code, 2, refused.stdout + refused.stderr);
      assert.match(refused.stderr, new RegExp(`programs\\.web\\.sockets\\.extra: cannot bind tcp://127\\.0\\.0\\.1:${busy}: EADDRINUSE`));
      const same = await supd.status();
      assert.deepEqual(same.processes.map((p) => p.pid), before.map((p) => p.pid), 'nothing restarted');
      // Drop the unix socket: the copies restart without it, then it is closed and its file removed.
      writeFileSync(supd.config, web('processes = 2', '{ http = "tcp://127.0.0.1:0" }'));
      const applied = await supd.cli('reload');
      assert.equal(applied.code, 0, applied.stderr);
      const sock = path.join(supd.dir, 'run', 'admin.sock');
      await waitFor(() => !existsSync(sock), { what: 'the dropped unix socket closed' });
      const now = await supd.status();
      for (const p of now.processes) {
        assert.ok(!before.some((b) => b.pid === p.pid), `${p.name} restarted`);
        assert.deepEqual(listenVars(p.pid!), { LISTEN_FDS: '1', LISTEN_FDNAMES: 'http', LISTEN_PID: String(p.pid) });
      }
      for (const b of before) assert.ok(!isAlive(b.pid!));
      assert.equal((await getOnce({ port })).status, 200, 'the kept socket still answers');
    });
  });

  test('check refuses ready.tcp on a held address and a ready.fd among the socket fds', async () => {
    await withTempDir(async (temp) => {
      const port = await freePort();
      const config = temp.write('daemons.toml', web('', `{ http = "tcp://127.0.0.1:${port}" }`).replace('ready = { log = "listening on" }', `ready = { tcp = "127.0.0.1:${port}" }`) + web('', '{ a = "unix:a.sock", b = "unix:b.sock" }').replace('[programs.web]', '[programs.api]').replace('ready = { log = "listening on" }', 'ready = { fd = 4 }'));
      const result = await runCli(['check', '-c', config], { cwd: temp.dir });
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, /programs\.web\.ready\.tcp: 127\.0\.0\.1:\d+ is the socket http that supd holds/);
      assert.match(result.stderr, /programs\.api\.ready\.fd: fd 4 is taken by the sockets \(fds 3 to 4\)/);
    });
  });
});

describe('rolling restarts with sockets (issue 19)', () => {
  test('a surge copy stands in first and leaves; one that never gets ready leaves the old copies untouched', async () => {
    const pool = (warmup: number) => web(`processes = 2\nrestart_strategy = "rolling"\nenv = { WARMUP_MS = "${warmup}" }`, '{ http = "tcp://127.0.0.1:0" }').replace('ready = { log = "listening on" }', 'ready = { log = "listening on", timeout = "1500ms" }');
    await withSupd(pool(0), async (supd) => {
      const before = await Promise.all([supd.waitForState('web:0', 'running'), supd.waitForState('web:1', 'running')]);
      assert.equal((await supd.cli('restart', 'web')).code, 0);
      const after = await supd.status();
      assert.deepEqual(after.processes.map((p) => p.name), ['web:0', 'web:1']);
      for (const [i, p] of after.processes.entries()) assert.notEqual(p.pid, before[i]!.pid);
      // From supd.log: web:2 started before web:0 got its stop signal (and was ready: rolling.ts waits), and it is gone now.
      const log = supd.supdLog();
      const surge = /\[web:2\] spawned pid (\d+)/.exec(log);
      assert.ok(surge !== null, 'a surge copy web:2 was spawned');
      assert.ok(log.indexOf('[web:2] spawned pid') < log.indexOf('[web:0] stopping: sent SIGTERM'), 'web:2 started before web:0 stopped');
      assert.ok(!isAlive(Number(surge[1])), 'the surge copy stopped');
      assert.match(supd.supdLog(), /rolling restart of web:0, web:1: web:2 stands in first/);
      // A version that is never ready in time: the surge copy goes, the copies keep their pids.
      writeFileSync(supd.config, pool(10_000));
      const reload = await supd.cli('reload');
      assert.equal(reload.code, 0, reload.stderr);
      const kept = await supd.status();
      assert.deepEqual(kept.processes.map((p) => [p.name, p.pid, p.state]), after.processes.map((p) => [p.name, p.pid, 'running']));
      assert.match(supd.supdLog(), /rolling restart stopped: the new copy web:2 did not get ready .*; the copies keep running as they were/);
      const failed = await supd.cli('restart', 'web');
      assert.equal(failed.code, 1, failed.stdout);
      assert.deepEqual((await supd.status()).processes.map((p) => p.pid), after.processes.map((p) => p.pid));
    });
  });

  test('a watch restart of a program with sockets rolls with a surge copy too', async () => {
    await withSupd(web('processes = 2\nrestart_strategy = "rolling"\nwatch = { paths = ["src"], debounce = "200ms" }', '{ http = "tcp://127.0.0.1:0" }'), { files: { 'src/app.txt': 'one' } }, async (supd) => {
      const port = await heldPort(supd);
      const before = await Promise.all([supd.waitForState('web:0', 'running'), supd.waitForState('web:1', 'running')]);
      await waitFor(() => / watch: watching /.test(supd.supdLog()), { what: 'the watcher set up' });
      writeFileSync(path.join(supd.dir, 'src', 'app.txt'), 'two');
      await waitFor(async () => {
        const report = await supd.status();
        return report.processes.length === 2 && report.processes.every((p, i) => p.state === 'running' && p.pid !== before[i]!.pid) ? report : null;
      }, { timeoutMs: 30_000, what: 'both copies replaced' });
      assert.match(supd.supdLog(), /rolling restart of web:0, web:1: web:2 stands in first/);
      assert.equal((await getOnce({ port })).status, 200);
    });
  });
});
