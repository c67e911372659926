import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fdShortage, fdsNeeded, OWN_FDS, openFileLimit } from '../../../src/config/fd-budget.js';
import { normalizeConfig } from '../../../src/config/normalize.js';

function config(programs: Record<string, unknown>) {
  return normalizeConfig({ programs }, { file: '/abs/dir/daemons.toml', readTextFile: () => '' }).config;
}

test('fdsNeeded: a pipe and a log file per stream; merged stderr shares the stdout pipe and file', () => {
  assert.equal(fdsNeeded(config({ web: { command: 'sleep 1', processes: 10 } })), OWN_FDS + 40);
  assert.equal(fdsNeeded(config({ web: { command: 'sleep 1', processes: 10, stderr: 'merge' } })), OWN_FDS + 20);
  assert.equal(fdsNeeded(config({ web: { command: 'sleep 1', processes: 10, stdout: false, stderr: false } })), OWN_FDS + 20);
});

test('fdShortage: a warning naming the need and the limit past it, none within it', () => {
  const big = config({ web: { command: 'sleep 1', processes: 5000 } });
  const warning = fdShortage(big, 20_000);
  assert.match(warning ?? '', /about 20064 open files.*the limit is 20000.*ulimit -Hn/);
  assert.equal(fdShortage(big, 65_536), null);
  assert.equal(fdShortage(big, null), null);
});

test('openFileLimit: reads the soft limit from /proc/self/limits text', () => {
  const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            20000                20000                files\n';
  assert.equal(openFileLimit(text), 20_000);
  assert.equal(openFileLimit('Max open files            unlimited            unlimited            files\n'), Number.POSITIVE_INFINITY);
  assert.equal(openFileLimit(null), null);
});
