// Issue 13: settings that matter only at stop, on exit or while watching apply to the running
// process on reload: `changed web (applied without restart)`, the pid unchanged.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const web = (extra: string): string => `
[programs.web]
command = [${node}, "${BIN}/forever.js"]
start_secs = "200ms"
${extra}
`;

test('stop, health, memory, hook, restart, backoff and log rotation settings apply without a restart', async () => {
  await withSupd(web('stop_signal = "SIGTERM"\nstop_timeout = "10s"'), async (supd) => {
    const before = await supd.waitForState('web:0', 'running');
    writeFileSync(
      supd.config,
      web(`stop_signal = "SIGINT"
stop_timeout = "3s"
kill_group = false
max_memory = "1G"
health = { exec = ["true"], interval = "1s" }
hooks = { after_exit = ["true"] }
restart = "on-failure"
success_exit_codes = [0, 3]
backoff = { initial = "2s" }
max_restarts = 5
restart_window = "2m"
stdout = { max_size = "1M", keep = 3 }`),
    );
    const reload = await supd.cli('reload');
    assert.equal(reload.code, 0, reload.stderr);
    assert.equal(reload.stdout.trim(), 'changed web (applied without restart)');
    const after = await supd.proc('web:0');
    assert.equal(after.pid, before.pid, 'same pid');
    assert.equal(after.restarts, 0);
    const stop = await supd.cli('stop', 'web');
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(supd.supdLog(), new RegExp(`\\[web:0\\] stopping: sent SIGINT to pid ${before.pid}, SIGKILL after 3000 ms`), 'the stop used the new settings');
  });
});
