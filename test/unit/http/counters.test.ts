import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricCounters } from '../../../src/http/counters.js';
import { renderMetrics } from '../../../src/http/metrics.js';
import type { ProcessStatus } from '../../../src/control/protocol.js';
import type { ProcessState } from '../../../src/process/states.js';
import { SupervisorEmitter } from '../../../src/supervisor/events.js';

function setup(scheduled = false) {
  const events = new SupervisorEmitter();
  const states = new Map<string, ProcessState>();
  const counters = new MetricCounters(events, {
    stateOf: (name) => states.get(name),
    successExitCodes: () => [0],
    isScheduled: () => scheduled,
    programOf: (name) => name.split(':')[0],
  });
  const move = (name: string, from: ProcessState, to: ProcessState): void => {
    states.set(name, to);
    events.emit('process:state', { name, from, to, reason: null });
  };
  const exit = (name: string, code: number | null, signal: NodeJS.Signals | null = null): void => void events.emit('process:exit', { name, pid: 1, code, signal, uptimeMs: 5 });
  return { events, counters, move, exit };
}

test('restarts by reason: the first start is none; a respawn after a failing exit is a crash, after exit 0 an exit; asked ones keep their reason', () => {
  const { events, counters, move, exit } = setup();
  move('web:0', 'stopped', 'starting');
  move('web:0', 'starting', 'running');
  exit('web:0', 1);
  move('web:0', 'running', 'backoff');
  move('web:0', 'backoff', 'starting');
  exit('web:0', 0);
  move('web:0', 'starting', 'starting'); // not a start
  move('web:0', 'running', 'starting');
  events.emit('process:restart', { name: 'web:0', reason: 'health' });
  move('web:0', 'running', 'stopping');
  exit('web:0', null, 'SIGTERM');
  move('web:0', 'stopping', 'starting');
  move('web:0', 'starting', 'stopped');
  move('web:0', 'stopped', 'starting');
  assert.deepEqual(Object.fromEntries(counters.restarts), { 'web:0\0crash': 1, 'web:0\0exit': 1, 'web:0\0health': 1, 'web:0\0command': 1 });
  assert.deepEqual(Object.fromEntries(counters.exits), { 'web:0\0failure': 1, 'web:0\0success': 1, 'web:0\0stopped': 1 });
});

test('scheduled runs count by result; reloads and report tries by result', () => {
  const { counters, move, exit } = setup(true);
  move('job:0', 'waiting', 'starting');
  exit('job:0', 2);
  counters.noteReload(false);
  counters.noteSendTry('report daily', true);
  counters.noteSendTry('alert', false);
  assert.deepEqual(Object.fromEntries(counters.scheduledRuns), { 'job\0failure': 1 });
  assert.equal(counters.lastReloadOk, false);
  assert.deepEqual(Object.fromEntries(counters.reportsSent), { 'daily\0success': 1, 'alerts\0failure': 1 });
});

test('the text format: label values escaped, one state series per state, nothing per pid', () => {
  const { counters } = setup();
  const status = { name: 'we"b:0', program: 'we"b', method: null, index: 0, state: 'running', pid: 42, uptime_s: 1, restarts: 0, exit_code: null, exit_signal: 'SIGKILL', rss_bytes: 100, healthy: null, next_run: null } as unknown as ProcessStatus;
  const text = renderMetrics({ version: '1.2.3', desired: [{ program: 'we"b', method: null, count: 1 }], processes: [{ status, startedAt: 2000, cpuSeconds: 0.5 }], counters });
  assert.match(text, /^supd_process_state\{process="we\\"b:0",program="we\\"b",method="",state="running"\} 1$/m);
  assert.equal(text.match(/^supd_process_state\{/gm)?.length, 8);
  assert.match(text, /^supd_process_last_exit_code\{[^}]*\} 137$/m);
  assert.match(text, /^supd_process_start_time_seconds\{[^}]*\} 2$/m);
  assert.match(text, /^supd_config_last_reload_successful 1$/m);
  assert.doesNotMatch(text, /pid=|42/);
  assert.ok(text.endsWith('\n'));
});
