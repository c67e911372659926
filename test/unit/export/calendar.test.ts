// cron -> OnCalendar against node-cron itself: the next runs of each expression from a fixed
// instant, by node-cron's matcher and by systemd-analyze calendar, are the same instants.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { cronToCalendar } from '../../../src/export/calendar.js';
import { ROOT } from '../../helpers/paths.js';
import { findTool, needTools, runTool } from '../../helpers/tools.js';

const require = createRequire(import.meta.url);
// node-cron's own matcher (not in its public exports): what supd's scheduler fires on.
const { TimeMatcher } = require(path.join(ROOT, 'node_modules', 'node-cron', 'dist', '_shared.cjs')) as {
  TimeMatcher: new (pattern: string, timezone?: string) => { getNextMatch(date: Date): Date };
};

const EXPRESSIONS: Array<[string, string | null]> = [
  ['0 3 * * *', null],
  ['*/15 * * * *', null],
  ['30 3 * * 1-5', 'Europe/Berlin'],
  ['0 0 1,15 * *', null],
  ['0 9-17/2 * * mon,wed,fri', null],
  ['15 10 * jan-mar 0', null],
  ['*/30 * * * * *', null],
  ['0 0 L * *', null],
  ['0 12 L-2 * *', 'America/New_York'],
  ['0 8 * * 1#2', null],
  ['5 4 * * 7', null],
  ['0 0 29 2 *', null],
];

const BASE = new Date('2026-01-30T23:59:59Z');

function nodeCronRuns(cron: string, timezone: string | null, count: number): string[] {
  const matcher = new TimeMatcher(cron, timezone ?? 'UTC');
  const runs: string[] = [];
  let at = BASE;
  for (let i = 0; i < count; i++) {
    at = matcher.getNextMatch(at);
    runs.push(at.toISOString().replace('.000Z', 'Z'));
  }
  return runs;
}

function systemdRuns(calendar: string, count: number): string[] {
  const result = runTool(findTool('systemd-analyze')!, ['calendar', `--iterations=${count}`, `--base-time=${BASE.toISOString().replace('T', ' ').replace('.000Z', ' UTC')}`, calendar], { ...process.env, TZ: 'UTC' });
  assert.equal(result.code, 0, result.out);
  return [...result.out.matchAll(/(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC/g)].map((m) => `${m[1]}T${m[2]}Z`);
}

test('every cron expression of the list fires at the same 6 instants under systemd as under node-cron', { skip: needTools('systemd-analyze') }, () => {
  for (const [cron, timezone] of EXPRESSIONS) {
    const calendar = cronToCalendar(cron, timezone);
    assert.ok(calendar.ok, `${cron}: ${!calendar.ok && calendar.reason}`);
    assert.deepEqual(systemdRuns(calendar.value, 6), nodeCronRuns(cron, timezone, 6), `${cron} -> ${calendar.value}`);
  }
});

test('the forms systemd has no words for are refused with the reason', () => {
  assert.deepEqual(cronToCalendar('0 0 15W * *', null), { ok: false, reason: 'day of month "15W" (nearest weekday)' });
  assert.deepEqual(cronToCalendar('0 0 * * 5L', null), { ok: false, reason: 'day of week "5L" (last weekday of the month)' });
  assert.deepEqual(cronToCalendar('0 0 *', null), { ok: false, reason: '"0 0 *" has 3 fields' });
  assert.deepEqual(cronToCalendar('0 3 * * *', null), { ok: true, value: '*-*-* 03:00:00' });
  assert.deepEqual(cronToCalendar('*/20 1-3 * * 1-5', 'UTC'), { ok: true, value: 'Mon..Fri *-*-* 01..03:00,20,40:00 UTC' });
});
