import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

function events(file: string): Array<{ event: string; name: string; at: number }> {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => {
      const [event, name, at] = line.split(' ');
      return { event: event!, name: name!, at: Number(at) };
    });
  } catch {
    return [];
  }
}

describe('readiness', () => {
  for (const kind of ['tcp', 'http'] as const) {
    test(`ready = { ${kind} }: starting until the child listens, then running`, async () => {
      const port = await freePort();
      const target = kind === 'tcp' ? `127.0.0.1:${port}` : `http://127.0.0.1:${port}/health`;
      await withSupd(`
[programs.web]
command = [${node}, "${BIN}/serve.js"]
env = { PORT = "${port}", LISTEN_FILE = "go", EVENTS = "events.log" }
ready = { ${kind} = "${target}", interval = "50ms" }
start_secs = "0"
`, async (supd) => {
        await waitFor(() => events(path.join(supd.dir, 'events.log')).some((e) => e.event === 'start'), { what: 'the child started' });
        assert.equal((await supd.proc('web:0')).state, 'starting', 'not running before it listens');
        writeFileSync(path.join(supd.dir, 'go'), '');
        const running = await supd.waitForState('web:0', 'running');
        const listening = events(path.join(supd.dir, 'events.log')).find((e) => e.event === 'listening');
        assert.ok(listening !== undefined, 'it listened before it was running');
        assert.equal(running.restarts, 0);
      });
    });
  }

  for (const how of ['log', 'fd'] as const) {
    test(`ready = { ${how} }: running once the child says so`, async () => {
      const ready = how === 'log' ? 'log = "ready to serve"' : 'fd = 3';
      await withSupd(`
[programs.svc]
command = [${node}, "${BIN}/say-ready.js"]
env = { HOW = "${how}", READY_FILE = "go", EVENTS = "events.log" }
ready = { ${ready} }
start_secs = "0"
`, async (supd) => {
        assert.equal((await supd.proc('svc:0')).state, 'starting');
        writeFileSync(path.join(supd.dir, 'go'), '');
        await supd.waitForState('svc:0', 'running');
        const readyAt = Number(readFileSync(path.join(supd.dir, 'events.log'), 'utf8').split(' ')[1]);
        assert.ok(readyAt > 0, 'the child said ready before supd called it running');
      });
    });
  }

  test('not ready within the timeout: a failed start, backed off', async () => {
    await withSupd(`
[programs.mute]
command = [${node}, "${BIN}/forever.js"]
ready = { log = "never printed", timeout = "400ms" }
stop_timeout = "1s"
backoff = { initial = "5s" }
`, async (supd) => {
      const proc = await supd.waitForState('mute:0', 'backoff');
      assert.match(proc.reason ?? supd.supdLog(), /not ready within 400 ms/);
    });
  });
});

describe('health and memory', () => {
  test('a failing health check restarts the process after retries failures', async () => {
    const port = await freePort();
    await withSupd(`
[programs.api]
command = [${node}, "${BIN}/serve.js"]
env = { PORT = "${port}", UNHEALTHY_FILE = "sick" }
ready = { tcp = "127.0.0.1:${port}" }
health = { http = "http://127.0.0.1:${port}/", interval = "100ms", retries = 3 }
`, async (supd) => {
      const first = await supd.waitForState('api:0', (p) => p.state === 'running' && p.healthy === true);
      writeFileSync(path.join(supd.dir, 'sick'), '');
      const restarted = await supd.waitForState('api:0', (p) => p.restarts >= 1, 5000);
      assert.notEqual(restarted.pid, first.pid);
      assert.match(supd.supdLog(), /\[api:0\] unhealthy: http .* status 500/);
      assert.match(supd.supdLog(), /\[api:0\] restarting: 3 health checks failed in a row/);
    });
  });

  test('a child growing past max_memory is restarted within 2 s of crossing it', async () => {
    const limit = 120 * 1024 * 1024;
    await withSupd(`
[programs.hog]
command = [${node}, "${BIN}/grow.js"]
env = { LIMIT_BYTES = "${limit}", CROSSED = "crossed.log" }
max_memory = "120M"
stop_timeout = "1s"
start_secs = "0"
`, async (supd) => {
      const lines = await waitFor(() => {
        const l = readFileSync(path.join(supd.dir, 'crossed.log'), 'utf8').trim().split('\n');
        const crossed = l.find((x) => x.startsWith('crossed'));
        const secondStart = l.filter((x) => x.startsWith('start'))[1];
        return crossed !== undefined && secondStart !== undefined ? { crossed, secondStart } : null;
      }, { timeoutMs: 15_000, what: 'a crossing and a restart' });
      const crossedAt = Number(lines.crossed.split(' ')[1]);
      const restartedAt = Number(lines.secondStart.split(' ')[1]);
      assert.ok(restartedAt - crossedAt < 2000, `restarted ${restartedAt - crossedAt} ms after crossing`);
      assert.match(supd.supdLog(), /\[hog:0\] memory \d+M passed max_memory 120M: restarting/);
    });
  });
});

describe('depends_on', () => {
  test('b starts after a is ready; shutdown stops b before a', async () => {
    const port = await freePort();
    await withSupd(`
[programs.b]
command = [${node}, "${BIN}/serve.js"]
env = { PORT = "${await freePort()}", EVENTS = "events.log" }
depends_on = ["a"]
[programs.a]
command = [${node}, "${BIN}/serve.js"]
env = { PORT = "${port}", LISTEN_FILE = "go", EVENTS = "events.log" }
ready = { tcp = "127.0.0.1:${port}", interval = "50ms" }
`, async (supd) => {
      const held = await supd.proc('b:0');
      assert.equal(held.state, 'stopped');
      assert.match(held.reason ?? '', /waiting for a/);
      writeFileSync(path.join(supd.dir, 'go'), '');
      await supd.waitForState('b:0', 'running');
      assert.equal(await supd.stop(), 0);
      const log = events(path.join(supd.dir, 'events.log'));
      const at = (event: string, name: string) => log.find((e) => e.event === event && e.name === name)!.at;
      assert.ok(at('start', 'b:0') >= at('listening', 'a:0'), 'b started after a was ready');
      assert.ok(at('stop', 'b:0') <= at('stop', 'a:0'), 'b stopped before a');
    });
  });

  test('a fatal dependency leaves its dependents stopped with the reason; supd stop a stops b first', async () => {
    await withSupd(`
[programs.a]
command = ["${BIN}/crash-fast.sh", "a.log", "1"]
max_restarts = 1
backoff = { initial = "50ms" }
[programs.b]
command = [${node}, "${BIN}/forever.js"]
depends_on = ["a"]
`, async (supd) => {
      await supd.waitForState('a:0', 'fatal');
      const b = await supd.waitForState('b:0', (p) => /dependency a is fatal/.test(p.reason ?? ''));
      assert.equal(b.state, 'stopped');
    });
  });
});

describe('hooks', () => {
  test('before_start, after_start, after_exit and on_fatal run with their variables', async () => {
    const record = '["sh", "-c", "echo \\"$SUPD_EVENT|$SUPD_NAME|$SUPD_PID|$SUPD_EXIT_CODE|$SUPD_EXIT_SIGNAL|$SUPD_RESTARTS\\" >> hooks.log"]';
    await withSupd(`
[programs.h]
command = [${node}, "${BIN}/crash-after.js", "300", "7"]
start_secs = "100ms"
max_restarts = 1
hooks = { before_start = ${record}, after_start = ${record}, after_exit = ${record}, on_fatal = ${record} }
`, async (supd) => {
      await supd.waitForState('h:0', 'fatal');
      const lines = await waitFor(() => {
        const l = readFileSync(path.join(supd.dir, 'hooks.log'), 'utf8').trim().split('\n');
        return l.some((x) => x.startsWith('on_fatal')) ? l : null;
      }, { what: 'the on_fatal hook' });
      const byEvent = (event: string) => lines.filter((l) => l.startsWith(`${event}|`)).map((l) => l.split('|'));
      assert.equal(byEvent('before_start').length, 2);
      assert.equal(byEvent('after_start').length, 2);
      const exits = byEvent('after_exit');
      assert.equal(exits.length, 2);
      for (const exit of exits) {
        assert.equal(exit[1], 'h:0');
        assert.match(exit[2]!, /^\d+$/, 'SUPD_PID');
        assert.equal(exit[3], '7', 'SUPD_EXIT_CODE');
      }
      const fatal = byEvent('on_fatal')[0]!;
      assert.deepEqual(fatal.slice(3), ['7', '', '1']);
      assert.equal(byEvent('after_start')[1]![5], '1', 'SUPD_RESTARTS');
    });
  });

  test('a before_start hook that fails makes the start fail', async () => {
    await withSupd(`
[programs.gated]
command = [${node}, "${BIN}/forever.js"]
hooks = { before_start = ["sh", "-c", "echo not today; exit 3"] }
backoff = { initial = "5s" }
`, async (supd) => {
      const gated = await supd.waitForState('gated:0', 'backoff');
      assert.match(gated.reason ?? '', /before_start hook failed: exit 3/);
      assert.match(supd.supdLog(), /\[gated:0\] before_start hook: not today/);
    });
  });
});
