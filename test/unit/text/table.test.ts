// The one table and last-exit wording shared by `supd status` and the reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { styleText } from 'node:util';
import { formatStatusTable } from '../../../src/cli/format.js';
import type { ProcessStatus } from '../../../src/control/protocol.js';
import { describeExit, formatColumns } from '../../../src/text/table.js';

test('columns are padded to their widest cell, two spaces apart, the last one not padded', () => {
  assert.deepEqual(formatColumns(['A', 'LONG', 'END'], [['xyz', 'b', 'tail'], ['x', '', '']]), ['A    LONG  END', 'xyz  b     tail', 'x']);
});

test('a last exit is a signal, an exit code, or a failed start', () => {
  assert.equal(describeExit('SIGKILL', null), 'SIGKILL');
  assert.equal(describeExit(null, 1), 'exit 1');
  assert.equal(describeExit(null, null), 'failed start');
});

test('the status table on a terminal: the header bold and the state in its colour, widths as without colour', () => {
  const proc = { name: 'web:0', state: 'fatal', pid: null, uptime_s: null, restarts: 3, rss_bytes: null, pss_bytes: null, last_exit_at: '2026-01-01T00:00:00.000Z', exit_code: 1, exit_signal: null, reason: null, next_run: null, healthy: null } as unknown as ProcessStatus;
  const report = { supervisor: { pid: 1, version: '', config: '', uptime_s: 0 }, processes: [proc] };
  const now = Date.parse('2026-01-01T00:00:03.000Z');
  const plain = formatStatusTable(report, false, now).split('\n');
  assert.deepEqual(plain, ['NAME   STATE  PID  UPTIME  RESTARTS  MEMORY  LAST EXIT', 'web:0  fatal  -    -       3         -       exit 1 3s ago']);
  const coloured = formatStatusTable(report, true, now).split('\n');
  assert.ok(coloured[0]!.startsWith(styleText('bold', 'NAME ')));
  assert.ok(coloured[1]!.includes(styleText('red', 'fatal')));
  assert.equal(formatStatusTable({ ...report, processes: [] }, false, now), 'NAME  STATE  PID  UPTIME  RESTARTS  MEMORY  LAST EXIT\n(no processes)');
});
