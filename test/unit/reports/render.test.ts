import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusReport } from '../../../src/control/protocol.js';
import { composeMail, fillSubject } from '../../../src/reports/message.js';
import { renderHtml } from '../../../src/reports/render-html.js';
import { renderText } from '../../../src/reports/render-text.js';
import type { ReportEvent } from '../../../src/reports/report-event.js';
import { buildSnapshot, hasProblems, summarize, summarizeAlerts } from '../../../src/reports/snapshot.js';

const T0 = Date.parse('2025-03-01T08:00:00Z');
const proc = (name: string, state: string, extra: Record<string, unknown> = {}) => ({
  name,
  program: name.split(/[.:]/)[0]!,
  method: null,
  index: Number(name.split(':')[1]),
  state,
  pid: state === 'running' ? 4000 + Number(name.split(':')[1]) : null,
  uptime_s: state === 'running' ? 3600 : null,
  restarts: 0,
  exit_code: null,
  exit_signal: null,
  rss_bytes: state === 'running' ? 41_943_040 : null,
  pss_bytes: state === 'running' ? 31_457_280 : null,
  healthy: null,
  next_run: null,
  last_exit_at: null,
  last_run_ms: null,
  reason: null,
  wanted: 'up' as const,
  watch_restarts: 0,
  ...extra,
});

const STATUS: StatusReport = {
  supervisor: { pid: 42, version: '1.2.3', config: '/srv/daemons.toml', uptime_s: 7200 },
  processes: [
    proc('web:0', 'running', { restarts: 5 }),
    proc('web:1', 'running', { restarts: 1 }),
    proc('worker<x>:0', 'backoff', { restarts: 9, exit_code: 3, last_exit_at: '2025-03-01T07:59:00.000Z' }),
    proc('cron:0', 'fatal', { restarts: 2, exit_signal: 'SIGSEGV', last_exit_at: '2025-03-01T07:30:00.000Z', reason: 'gave up' }),
  ],
};

const EVENTS: ReportEvent[] = [
  { at: T0 - 50 * 60_000, kind: 'crash', name: 'worker<x>:0', detail: 'exit 3 after 1.2s' },
  { at: T0 - 30 * 60_000, kind: 'fatal', name: 'cron:0', detail: '5 restarts within 1m & more' },
  { at: T0 - 20 * 60_000, kind: 'unhealthy', name: 'web:1', detail: 'GET /health answered 503' },
  { at: T0 - 10 * 60_000, kind: 'reload', name: null, detail: 'config reloaded: scaled web 1 -> 2' },
];

const snapshot = buildSnapshot(STATUS, {
  kind: 'report',
  title: 'report "daily"',
  host: 'box',
  at: T0,
  since: T0 - 3600_000,
  baseline: new Map([['web:0', 2], ['web:1', 1], ['cron:0', 7]]),
  events: EVENTS,
  omittedEvents: 0,
});

test('text and HTML of one snapshot show every process row and every event', () => {
  const summary = summarize(snapshot);
  const text = renderText(snapshot, summary);
  const html = renderHtml(snapshot, summary);
  const lines = text.split('\n');
  const rows: [string, string, string, string][] = [
    ['web:0', 'running', '4000', '3'],
    ['web:1', 'running', '4001', '0'],
    ['worker<x>:0', 'backoff', '-', '9'],
    ['cron:0', 'fatal', '-', '2'],
  ];
  for (const [name, state, pid, restarts] of rows) {
    const line = lines.find((l) => l.startsWith(`${name} `));
    assert.ok(line, `text row for ${name}`);
    assert.match(line, new RegExp(`^${escape(name)}\\s+${state}\\s+${escape(pid)}\\s+\\S+\\s+${restarts}\\s`), line);
    const cell = escapeHtml(name);
    const htmlRow = html.split('\n').find((l) => l.startsWith('<tr>') && l.includes(`>${cell}</td>`));
    assert.ok(htmlRow, `html row for ${name}`);
    for (const value of [state, pid, restarts]) assert.ok(htmlRow.includes(`>${value}</td>`), `${name}: ${value} in ${htmlRow}`);
  }
  for (const event of EVENTS) {
    assert.ok(text.includes(event.detail), `text: ${event.detail}`);
    assert.ok(html.includes(escapeHtml(event.detail)), `html: ${event.detail}`);
  }
  assert.match(text, /exit 3 at 2025-03-01 07:59:00 UTC/);
  assert.match(text, /SIGSEGV at 2025-03-01 07:30:00 UTC \(gave up\)/);
  assert.match(text, /crash loop|crash\s+worker<x>:0/);
  assert.match(text, /supd 1\.2\.3 \(pid 42\), up 2h, config \/srv\/daemons\.toml/);
  assert.match(text, /since 2025-03-01 07:00:00 UTC: 4 events/i);
  assert.ok(!html.includes('worker<x>'), 'HTML escapes what it shows');
  assert.ok(html.includes('30M'), 'memory in human units');
});

test('the summary counts states and problems; the subject fills {host} and {summary} once', () => {
  assert.equal(summarize(snapshot), '2 running, 1 backoff, 1 fatal; 1 crash, 1 fatal, 1 unhealthy');
  assert.equal(hasProblems(snapshot), true);
  const calm = { ...snapshot, processes: snapshot.processes.slice(0, 2), events: [EVENTS[3]!] };
  assert.equal(summarize(calm), 'all 2 running');
  assert.equal(hasProblems(calm), false, 'a reload is not a problem');
  assert.equal(fillSubject('supd on {host}: {summary} ({host})', 'h{summary}', 'ok'), 'supd on h{summary}: ok (h{summary})');
  const mail = composeMail(snapshot, 'S', { from: null, to: ['ops@example.com'], subject: '[{host}] {summary}' });
  assert.deepEqual([mail.from, mail.subject], ['supd@box', '[box] S']);
  assert.equal(mail.text, renderText(snapshot, 'S'));
});

test('an alert lists its alerts first; its subject names them', () => {
  const alerts: ReportEvent[] = ['a:0', 'a:1', 'a:2', 'a:3'].map((name) => ({ at: T0, kind: 'fatal', name, detail: 'gave up' }));
  assert.equal(summarizeAlerts(alerts.slice(0, 1)), 'fatal a:0');
  assert.equal(summarizeAlerts(alerts), '4 alerts: fatal a:0, fatal a:1, fatal a:2, +1 more');
  const alert = { ...snapshot, kind: 'alert' as const, title: 'alert', events: alerts };
  const text = renderText(alert, summarizeAlerts(alerts));
  assert.ok(text.indexOf('4 alerts:') < text.indexOf('NAME '), 'alerts before the process table');
});

test('restarts count from the baseline; a process created again counts all of its own', () => {
  const rows = Object.fromEntries(snapshot.processes.map((p) => [p.name, p.restarts]));
  assert.deepEqual(rows, { 'web:0': 3, 'web:1': 0, 'worker<x>:0': 9, 'cron:0': 2 });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
