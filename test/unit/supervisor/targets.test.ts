import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchTargets } from '../../../src/supervisor/targets.js';
import { compileGlob as globToRegExp } from '../../../src/watch/glob.js';

const procs = [
  { name: 'web:0', unit: 'web', program: 'web' },
  { name: 'web:1', unit: 'web', program: 'web' },
  { name: 'app.mailer:0', unit: 'app.mailer', program: 'app' },
  { name: 'app.importer:0', unit: 'app.importer', program: 'app' },
];
const units = [{ name: 'web', program: 'web' }, { name: 'app.mailer', program: 'app' }, { name: 'app.importer', program: 'app' }, { name: 'idle', program: 'idle' }];

test('targets: all, program, method, process, glob', () => {
  assert.deepEqual(matchTargets(['all'], procs, units).names, procs.map((p) => p.name));
  assert.deepEqual(matchTargets(['web'], procs, units).names, ['web:0', 'web:1']);
  assert.deepEqual(matchTargets(['app'], procs, units).names, ['app.mailer:0', 'app.importer:0']);
  assert.deepEqual(matchTargets(['app.mailer'], procs, units).names, ['app.mailer:0']);
  assert.deepEqual(matchTargets(['web:1'], procs, units).names, ['web:1']);
  assert.deepEqual(matchTargets(['app.*'], procs, units).names, ['app.mailer:0', 'app.importer:0']);
  assert.deepEqual(matchTargets(['web:1', 'web'], procs, units).names, ['web:0', 'web:1'], 'no duplicates, config order');
});

test('a target that names nothing is reported; a unit scaled to 0 is not', () => {
  assert.deepEqual(matchTargets(['nope', 'web'], procs, units).unmatched, ['nope']);
  assert.deepEqual(matchTargets(['idle'], procs, units), { names: [], unmatched: [] });
});

test('globs: * ? [..] and literal dots', () => {
  assert.ok(globToRegExp('web:?').test('web:1'));
  assert.ok(!globToRegExp('web.?').test('web:1'), 'a dot is literal');
  assert.ok(globToRegExp('app.[mi]*').test('app.mailer:0'));
  assert.ok(!globToRegExp('app.[!mi]*').test('app.mailer:0'), 'a negated class');
});

test('globs over names are the watch globs: braces too', () => {
  const procs = [
    { name: 'web:0', unit: 'web', program: 'web' },
    { name: 'app.mailer:0', unit: 'app.mailer', program: 'app' },
    { name: 'cron:0', unit: 'cron', program: 'cron' },
  ];
  const units = procs.map((p) => ({ name: p.unit, program: p.program }));
  assert.deepEqual(matchTargets(['{web,app}*'], procs, units), { names: ['web:0', 'app.mailer:0'], unmatched: [] });
  assert.deepEqual(matchTargets(['app.m*'], procs, units), { names: ['app.mailer:0'], unmatched: [] });
});
