// Failures say why (issue 13): a failed start quotes the program's last stderr line; a stop
// names every process it stopped and why; a start says which dependents stay stopped; a
// --timeout that ran out says what each process still waited for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { withSupd } from '../helpers/supd.js';

test('a failed start\'s reason carries the last line the program wrote to stderr, cut to 200 chars', async () => {
  const long = 'x'.repeat(500);
  await withSupd(`
[defaults]
backoff = { initial = "30s" }

[programs.py]
command = ["sh", "-c", "echo 'Traceback (most recent call last):' >&2; echo 'PermissionError: [Errno 13] Permission denied' >&2; echo >&2; echo 'on stdout'; exit 1"]

[programs.long]
command = ["sh", "-c", "echo ${long} >&2; exit 3"]

[programs.merged]
command = ["sh", "-c", "printf 'bind: Address already in use' >&2; exit 2"]
stderr = "merge"

[programs.silent]
command = ["sh", "-c", "kill -SEGV $$$$"]
`, async (supd) => {
    const py = await supd.waitForState('py:0', 'backoff');
    assert.equal(py.reason, 'exit 1: PermissionError: [Errno 13] Permission denied');
    const long = await supd.waitForState('long:0', 'backoff');
    assert.equal(long.reason, `exit 3: ${'x'.repeat(197)}...`);
    assert.equal((await supd.waitForState('merged:0', 'backoff')).reason, 'exit 2: bind: Address already in use', 'an unfinished last line counts; merged stderr too');
    assert.equal((await supd.waitForState('silent:0', 'backoff')).reason, 'killed by SIGSEGV');
    const status = await supd.cli('status', 'py');
    assert.match(status.stdout, /exit 1: PermissionError: \[Errno 13\] Permission denied/, 'status shows the reason');
    const start = await supd.cli('restart', 'py');
    assert.equal(start.code, 1);
    assert.match(start.stderr, /^py:0 backoff: exit 1: PermissionError: \[Errno 13\] Permission denied$/m);
  });
});

test('supd stop names every process it stopped, dependents too, and why; supd start says which dependents stay stopped', async () => {
  await withSupd(`
[programs.postgres]
command = "sleep 1000"
start_secs = "100ms"

[programs.app]
command = "sleep"
depends_on = ["postgres"]
start_secs = "100ms"
[programs.app.methods.web]
args = ["1000"]
processes = 2

[programs.worker]
command = "sleep 1000"
depends_on = ["app"]
start_secs = "100ms"

[programs.other]
command = "sleep 1000"
start_secs = "100ms"
`, async (supd) => {
    await supd.waitForState('worker:0', 'running');
    await supd.waitForState('other:0', 'running');
    const stop = await supd.cli('stop', 'postgres');
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(stop.stdout.trim().split('\n').sort(), [
      'app.web:0 stopped (depends on postgres)',
      'app.web:1 stopped (depends on postgres)',
      'postgres:0 stopped',
      'worker:0 stopped (depends on postgres)',
    ]);
    assert.equal((await supd.proc('other:0')).state, 'running', 'an unrelated program keeps running');
    // Dependents that stopped with postgres start again with it (issue 14); one stopped by
    // hand before stays stopped, and `supd start` says so.
    await supd.cli('start', 'postgres');
    await supd.waitForState('worker:0', 'running');
    assert.equal((await supd.cli('stop', 'worker')).code, 0);
    assert.equal((await supd.cli('stop', 'postgres')).code, 0);
    const json = JSON.parse((await supd.cli('start', 'postgres', '--json')).stdout) as { ok: boolean; outcomes: Array<{ name: string; state: string; note?: string }> };
    assert.equal(json.ok, true);
    assert.deepEqual(
      json.outcomes.map((o) => `${o.name} ${o.state}${o.note === undefined ? '' : ` (${o.note})`}`).sort(),
      ['postgres:0 running', 'worker:0 stopped (depends on postgres; stays stopped: supd start worker)'],
    );
    await supd.waitForState('app.web:1', 'running');
  });
});

test('a start --timeout that runs out says what each process waited for, and in which state', async () => {
  const port = await freePort();
  await withSupd(`
[programs.slow]
command = "sleep 1000"
autostart = false
ready = { tcp = "127.0.0.1:${port}", timeout = "1m" }

[programs.db]
command = ["sh", "-c", "echo 'FATAL: could not open data directory' >&2; exit 1"]
autostart = false
backoff = { initial = "30s" }

[programs.api]
command = "sleep 1000"
autostart = false
depends_on = ["db"]
`, async (supd) => {
    const slow = await supd.cli('start', 'slow', '--timeout', '1s');
    assert.equal(slow.code, 1);
    assert.equal(slow.stderr, `slow:0 starting: timed out after 1s: still starting, waiting for ready tcp 127.0.0.1:${port} (ready timeout 1m)\n`);
    const api = await supd.cli('--timeout', '2s', 'start', 'api');
    assert.equal(api.code, 1);
    assert.match(api.stderr, /^api:0 stopped: timed out after 2s: still stopped, waiting for db: db:0 is backoff \(exit 1: FATAL: could not open data directory\)$/m);
  });
});
