import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertsSpec } from '../../../src/config/types.js';
import { alertDueAt, GATHER_CAP_MS, NO_LOOP, noteRespawn, type LoopState } from '../../../src/reports/alert-plan.js';
import { Alerter } from '../../../src/reports/alerts.js';
import type { ReportEvent } from '../../../src/reports/report-event.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const SPEC: AlertsSpec = {
  on: ['fatal', 'crash_loop', 'unhealthy'],
  to: ['ops@example.com'],
  from: null,
  minIntervalMs: 5 * 60_000,
  crashLoop: { restarts: 3, windowMs: 60_000 },
  transport: { kind: 'file', path: '/dev/null' },
};

function setup(spec: AlertsSpec = SPEC) {
  const clock = new FakeClock();
  clock.now = 1_000_000;
  const mails: (readonly ReportEvent[])[] = [];
  const alerter = new Alerter(spec, { now: () => clock.now, schedule: clock.schedule, flush: (alerts) => mails.push(alerts) });
  const fatal = (name: string): void => alerter.note({ at: clock.now, kind: 'fatal', name, detail: 'gave up' });
  return { clock, mails, alerter, fatal };
}

test('alertDueAt: a second of quiet, capped after the first, never inside min_interval', () => {
  assert.equal(alertDueAt({ firstAt: 0, lastAt: 0 }, null, 300_000), 1000);
  assert.equal(alertDueAt({ firstAt: 0, lastAt: 900 }, null, 300_000), 1900);
  assert.equal(alertDueAt({ firstAt: 0, lastAt: 9_900 }, null, 300_000), GATHER_CAP_MS);
  assert.equal(alertDueAt({ firstAt: 10_000, lastAt: 10_000 }, 5_000, 300_000), 305_000);
  assert.equal(alertDueAt({ firstAt: 400_000, lastAt: 400_000 }, 5_000, 300_000), 401_000);
});

test('noteRespawn: more than `restarts` within the window is a loop, told once per window', () => {
  const rule = { restarts: 3, windowMs: 10_000 };
  let state: LoopState = NO_LOOP;
  const loops: string[] = [];
  for (let at = 0; at <= 30_000; at += 1000) {
    const r = noteRespawn(state, at, rule);
    state = r.state;
    if (r.loop !== null) loops.push(`${at}: ${r.loop}`);
  }
  assert.deepEqual(loops, ['3000: 4', '16000: 4', '29000: 4']);
  assert.equal(noteRespawn({ times: [0, 1, 2], quietUntil: 0 }, 20_000, rule).loop, null, 'old respawns fall out of the window');
});

test('one fatal: one mail a second later', () => {
  const { clock, mails, fatal } = setup();
  fatal('a:0');
  clock.advance(999);
  assert.equal(mails.length, 0);
  clock.advance(1);
  assert.deepEqual(mails.map((m) => m.map((a) => a.name)), [['a:0']]);
});

test('five fatals within a second share one mail; later ones wait out min_interval, batched', () => {
  const { clock, mails, fatal } = setup();
  for (let i = 0; i < 5; i++) {
    fatal(`w:${i}`);
    clock.advance(200);
  }
  clock.advance(1000);
  assert.deepEqual(mails.map((m) => m.length), [5]);
  fatal('x:0');
  clock.advance(60_000);
  fatal('y:0');
  clock.advance(60_000);
  assert.equal(mails.length, 1, 'nothing inside min_interval');
  clock.advance(5 * 60_000);
  assert.deepEqual(mails.map((m) => m.map((a) => a.name)), [['w:0', 'w:1', 'w:2', 'w:3', 'w:4'], ['x:0', 'y:0']]);
});

test('a storm of alerts makes few mails', () => {
  const { clock, mails, fatal } = setup({ ...SPEC, minIntervalMs: 60_000 });
  for (let i = 0; i < 1000; i++) {
    fatal(`p:${i}`);
    clock.advance(600); // ten minutes of one alert every 0.6 s
  }
  clock.advance(120_000);
  assert.equal(mails.flat().length, 1000, 'every alert is told');
  assert.ok(mails.length <= 11, `${mails.length} mails`);
});

test('`on` filters the kinds; crash loops come from respawns; unhealthy is fed like any event', () => {
  const { clock, mails, alerter } = setup({ ...SPEC, on: ['crash_loop', 'unhealthy'] });
  alerter.note({ at: clock.now, kind: 'fatal', name: 'a:0', detail: 'gave up' });
  alerter.note({ at: clock.now, kind: 'crash', name: 'a:0', detail: 'exit 1' });
  for (let i = 0; i < 4; i++) alerter.noteRespawn('b:0', clock.now + i);
  alerter.note({ at: clock.now, kind: 'unhealthy', name: 'c:0', detail: 'GET / answered 500' });
  clock.advance(2000);
  assert.deepEqual(
    mails.flat().map((a) => `${a.kind} ${a.name}`),
    ['crash_loop b:0', 'unhealthy c:0'],
  );
  assert.match(mails[0]![0]!.detail, /4 restarts within 1m/);
});

test('close cancels a pending mail', () => {
  const { clock, mails, alerter, fatal } = setup();
  fatal('a:0');
  alerter.close();
  clock.advance(10_000);
  assert.equal(mails.length, 0);
  assert.equal(clock.pending, 0);
});
