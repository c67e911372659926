import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PROCESSES, resolveProcessCount } from '../../../src/config/process-count.js';
import { parse, problemsOf, unitOf, web } from '../../helpers/config.js';

test('resolveProcessCount: numbers as they are, "max" one per CPU, "max-N" N fewer but at least 1', () => {
  assert.equal(resolveProcessCount(3, 8), 3);
  assert.equal(resolveProcessCount('3', 8), 3);
  assert.equal(resolveProcessCount('max', 8), 8);
  assert.equal(resolveProcessCount('max-1', 8), 7);
  assert.equal(resolveProcessCount('max-8', 8), 1);
  assert.equal(resolveProcessCount('max-0', 1), 1);
  for (const bad of ['most', 'max+1', 'max-', '-1', '1.5', 'MAX']) assert.equal(resolveProcessCount(bad, 8), null, bad);
  assert.equal(resolveProcessCount(-1, 8), null);
  assert.equal(MAX_PROCESSES, 10_000);
});

test('processes = "max" and "max-N" normalize to a count; other strings are refused at their key', () => {
  const config = parse(`${web('processes = "max"')}\n[programs.b]\ncommand = "x"\nprocesses = "max-100000"\n`);
  assert.ok(unitOf(config, 'web').processes >= 1);
  assert.equal(unitOf(config, 'b').processes, 1);
  assert.deepEqual(problemsOf(web('processes = "lots"')), ['programs.web.processes: must be a whole number >= 0, "max" (one per CPU) or "max-N"']);
  assert.deepEqual(problemsOf(web('processes = -1')), ['programs.web.processes: must be >= 0']);
  assert.deepEqual(problemsOf(web('processes = 10001')), ['programs.web.processes: must be <= 10000']);
});

test('cron ranges that run backwards are refused, naming the field; names and steps read as cron does', () => {
  assert.deepEqual(problemsOf(web('schedule = "5-1 * * * *"')), ['programs.web.schedule: the range 5-1 in the minute field runs backwards (write 1-5, or two ranges to wrap around)']);
  assert.deepEqual(problemsOf(web('schedule = "0 0 22-2 * * *"')), ['programs.web.schedule: the range 22-2 in the hour field runs backwards (write 2-22, or two ranges to wrap around)']);
  assert.match(problemsOf(web('schedule = "0 8 * dec-jan *"'))[0]!, /the range dec-jan in the month field/);
  parse(web('schedule = "*/5 1-5/2 * jan-dec mon-fri"'));
  parse(web('schedule = "0 22-23,0-2 * * *"'));
});

test('more than 10,000 processes in all are refused once, at programs', () => {
  const many = Array.from({ length: 3 }, (_, i) => `[programs.p${i}]\ncommand = "x"\nprocesses = 4000\n`).join('\n');
  assert.deepEqual(problemsOf(many), ['programs: the processes total 12000 (p0 4000, p1 4000, p2 4000...); one supd runs at most 10000']);
});
