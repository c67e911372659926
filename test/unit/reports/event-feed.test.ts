import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subscribeFeed } from '../../../src/reports/event-feed.js';
import { EventLog } from '../../../src/reports/event-log.js';
import { describeReload, type ReportEvent } from '../../../src/reports/report-event.js';
import { SupervisorEmitter } from '../../../src/supervisor/events.js';

function setup() {
  const events = new SupervisorEmitter();
  const seen: ReportEvent[] = [];
  const respawns: string[] = [];
  const unsubscribe = subscribeFeed(
    { events, now: () => 1000, successExitCodes: (name) => (name.startsWith('ok') ? [0, 3] : [0]) },
    { event: (e) => seen.push(e), respawn: (name) => respawns.push(name) },
  );
  return { events, seen, respawns, unsubscribe };
}

const exit = (name: string, code: number | null, signal: NodeJS.Signals | null = null) => ({ name, pid: 1, code, signal, uptimeMs: 1500 });

test('crashes: exits supd did not ask for and that are not success codes', () => {
  const { events, seen } = setup();
  events.emit('process:exit', exit('a:0', 1));
  events.emit('process:exit', exit('a:0', null, 'SIGSEGV'));
  events.emit('process:exit', exit('a:0', 0));
  events.emit('process:exit', exit('ok:0', 3));
  events.emit('process:state', { name: 'b:0', from: 'running', to: 'stopping', reason: null });
  events.emit('process:exit', exit('b:0', null, 'SIGTERM'));
  events.emit('process:exit', exit('b:0', 2));
  assert.deepEqual(
    seen.map((e) => `${e.kind} ${e.name} ${e.detail}`),
    ['crash a:0 exit 1 after 1.5s', 'crash a:0 killed by SIGSEGV after 1.5s', 'crash b:0 exit 2 after 1.5s'],
  );
});

test('fatals, health failures (once per turn), memory restarts; respawns only after unasked exits', () => {
  const { events, seen, respawns, unsubscribe } = setup();
  events.emit('process:state', { name: 'a:0', from: 'backoff', to: 'fatal', reason: '5 restarts within 1m' });
  events.emit('process:health', { name: 'w:0', healthy: false, reason: 'GET / answered 503' });
  events.emit('process:health', { name: 'w:0', healthy: false, reason: null });
  events.emit('process:health', { name: 'w:0', healthy: true, reason: null });
  events.emit('process:health', { name: 'w:0', healthy: false, reason: null });
  events.emit('process:memory', { name: 'm:0', bytes: 600 * 1024 * 1024, limitBytes: 512 * 1024 * 1024 });
  events.emit('process:state', { name: 'a:0', from: 'backoff', to: 'starting', reason: null });
  events.emit('process:state', { name: 'b:0', from: 'running', to: 'starting', reason: null });
  events.emit('process:state', { name: 'c:0', from: 'stopped', to: 'starting', reason: null });
  events.emit('process:state', { name: 'd:0', from: 'waiting', to: 'starting', reason: null });
  assert.deepEqual(
    seen.map((e) => `${e.kind} ${e.name ?? '-'}: ${e.detail}`),
    [
      'fatal a:0: 5 restarts within 1m',
      'unhealthy w:0: GET / answered 503',
      'unhealthy w:0: health check failed',
      'memory m:0: memory 600M passed max_memory 512M: restarted',
    ],
  );
  assert.deepEqual(respawns, ['a:0', 'b:0']);
  unsubscribe();
  events.emit('process:exit', exit('a:0', 1));
  assert.equal(seen.length, 4, 'nothing after unsubscribing');
});

test('a reload is told with its changes, without the unchanged', () => {
  assert.equal(describeReload(['unchanged a', 'added d', 'scaled c 2 -> 3', 'changed report daily']), 'config reloaded: added d; scaled c 2 -> 3; changed report daily');
  assert.equal(describeReload(['unchanged a']), 'config reloaded, nothing changed');
});

test('the event log keeps the newest events and counts the ones it let go', () => {
  const log = new EventLog(3);
  const start = log.position;
  for (let i = 0; i < 5; i++) log.add({ at: i, kind: 'crash', name: `p:${i}`, detail: '' });
  assert.deepEqual(log.since(start).events.map((e) => e.at), [2, 3, 4]);
  assert.equal(log.since(start).omitted, 2);
  assert.deepEqual(log.since(4), { events: [log.since(start).events[2]], omitted: 0 });
  assert.deepEqual(log.since(log.position), { events: [], omitted: 0 });
});
