import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { act, dashboardOf, scrape, request, type Dashboard } from '../helpers/http.js';
import { FIXTURES } from '../helpers/paths.js';
import { startSupd, type SupdUnderTest } from '../helpers/supd.js';
import { findTool, needTools } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const forever = JSON.stringify(path.join(BIN, 'forever.js'));
const crashAfter = JSON.stringify(path.join(BIN, 'crash-after.js'));
const ignoreTerm = JSON.stringify(path.join(BIN, 'ignore-sigterm.js'));

// One program in each of the eight states, a victim to crash, and a scheduled job.
const CONFIG = `
[supervisor.http]
listen = "127.0.0.1:0"

[programs.up]
command = [${node}, ${forever}]
[programs.victim]
command = [${node}, ${forever}]
start_secs = "0"
[programs.held]
command = [${node}, ${forever}]
autostart = false
[programs.slow]
command = [${node}, ${forever}]
start_secs = "1h"
[programs.failing]
command = [${node}, ${crashAfter}, "0", "1"]
backoff = { initial = "1h", max = "1h" }
[programs.doomed]
command = [${node}, ${crashAfter}, "0", "1"]
max_restarts = 1
backoff = { initial = "50ms", max = "50ms" }
[programs.once]
command = [${node}, ${crashAfter}, "0", "0"]
restart = "never"
start_secs = "0"
[programs.job]
command = [${node}, ${crashAfter}, "0", "0"]
schedule = "0 0 1 1 *"
[programs.stubborn]
command = [${node}, ${ignoreTerm}]
stop_timeout = "1h"
`;

const value = (series: Map<string, number>, key: string): number => series.get(key) ?? 0;
const labels = (name: string): string => `process="${name}",program="${name.split(':')[0]}",method=""`;

describe('GET /metrics', () => {
  let supd: SupdUnderTest;
  let d: Dashboard;
  before(async () => {
    supd = await startSupd(CONFIG);
    d = await dashboardOf(supd);
    await supd.waitForState('stubborn:0', 'running');
    await supd.cli('stop', 'stubborn', '--no-wait');
    for (const [name, state] of Object.entries({ 'up:0': 'running', 'failing:0': 'backoff', 'doomed:0': 'fatal', 'once:0': 'exited', 'job:0': 'waiting', 'stubborn:0': 'stopping' })) {
      await supd.waitForState(name, state);
    }
  });
  after(() => supd.cleanup());

  test('promtool check metrics passes on a scrape with programs in every state', { skip: needTools('promtool') }, async () => {
    const res = await request(`${d.base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const check = spawnSync(findTool('promtool')!, ['check', 'metrics'], { input: res.body, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
    const series = [...res.body.split('\n')].filter((l) => l.startsWith('supd_process_state{') && l.endsWith(' 1'));
    for (const state of ['stopped', 'starting', 'running', 'backoff', 'stopping', 'exited', 'fatal', 'waiting']) {
      assert.ok(series.some((l) => l.includes(`state="${state}"`)), `a process in ${state}: ${series.join('\n')}`);
    }
    for (const family of ['supd_build_info', 'supd_config_last_reload_successful', 'supd_program_desired_processes', 'supd_process_start_time_seconds', 'supd_process_resident_memory_bytes', 'supd_process_cpu_seconds_total', 'supd_process_last_exit_code', 'supd_scheduled_next_run_timestamp_seconds']) {
      assert.match(res.body, new RegExp(`^${family}[{ ]`, 'm'), family);
    }
    assert.doesNotMatch(res.body, /pid="/, 'no per-pid label');
  });

  test('a crash raises supd_process_restarts_total{reason="crash"} by one', async () => {
    const before = await scrape(d);
    const { pid } = await supd.proc('victim:0');
    process.kill(pid!, 'SIGKILL');
    const seen = await waitFor(async () => {
      const now = await scrape(d);
      return value(now, `supd_process_restarts_total{${labels('victim:0')},reason="crash"}`) > value(before, `supd_process_restarts_total{${labels('victim:0')},reason="crash"}`) ? now : null;
    });
    const key = `{${labels('victim:0')},reason="crash"}`;
    assert.equal(value(seen, `supd_process_restarts_total${key}`), value(before, `supd_process_restarts_total${key}`) + 1);
    assert.equal(value(seen, `supd_process_exits_total{${labels('victim:0')},outcome="signal"}`), 1);
  });

  test('a restart from the dashboard counts as reason="command"; a scheduled run by result', async () => {
    assert.equal((await act(d, 'restart', { targets: ['up:0'] })).status, 200);
    assert.equal((await supd.cli('start', 'job')).code, 0);
    const series = await waitFor(async () => {
      const now = await scrape(d);
      return value(now, 'supd_scheduled_runs_total{program="job",result="success"}') === 1 ? now : null;
    });
    assert.equal(value(series, `supd_process_restarts_total{${labels('up:0')},reason="command"}`), 1);
    assert.equal(value(series, `supd_process_exits_total{${labels('up:0')},outcome="stopped"}`), 1);
  });

  test('a reload moves supd_config_reloads_total; a refused one sets last_reload_successful to 0', async () => {
    const first = await scrape(d);
    assert.equal((await supd.cli('reload')).code, 0);
    const second = await scrape(d);
    assert.equal(value(second, 'supd_config_reloads_total{result="success"}'), value(first, 'supd_config_reloads_total{result="success"}') + 1);
    assert.equal(value(second, 'supd_config_last_reload_successful'), 1);
    supd.temp.write('daemons.toml', `${CONFIG}\n[programs.bad]\nprocesses = -1\n`);
    assert.equal((await supd.cli('reload')).code, 2);
    const third = await scrape(d);
    assert.equal(value(third, 'supd_config_reloads_total{result="failure"}'), value(second, 'supd_config_reloads_total{result="failure"}') + 1);
    assert.equal(value(third, 'supd_config_last_reload_successful'), 0);
    supd.temp.write('daemons.toml', CONFIG);
  });
});
