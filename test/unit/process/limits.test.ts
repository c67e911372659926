// The exec chain that sets limits, nice and oom_score_adj before the program: only the helpers a
// unit needs, in kernel units, nice relative to supd's own, a missing helper a clear reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitsPrefix } from '../../../src/process/limits.js';

const find = (tool: string): string => `/usr/bin/${tool}`;
const none = { limits: null, nice: null, oomScoreAdj: null };

test('no keys: no chain', () => {
  assert.deepEqual(limitsPrefix(none, find, 0), { ok: true, argv: [] });
});

test('limits: one prlimit, soft:hard each, "unlimited" for null', () => {
  const limits = { nofile: { soft: 1024, hard: 4096 }, core: { soft: null, hard: null }, cpu: { soft: 3600, hard: 3600 } };
  assert.deepEqual(limitsPrefix({ ...none, limits }, find, 0), {
    ok: true,
    argv: ['/usr/bin/prlimit', '--nofile=1024:4096', '--core=unlimited:unlimited', '--cpu=3600:3600', '--'],
  });
});

test('nice is made absolute from supd\'s own; the same as supd\'s own needs no nice; oom_score_adj through choom', () => {
  assert.deepEqual(limitsPrefix({ ...none, nice: 5, oomScoreAdj: -200 }, find, 2), { ok: true, argv: ['/usr/bin/nice', '-n', '3', '--', '/usr/bin/choom', '-n', '-200', '--'] });
  assert.deepEqual(limitsPrefix({ ...none, nice: 2 }, find, 2), { ok: true, argv: [] });
});

test('a helper that is not installed is the failed start\'s reason', () => {
  const result = limitsPrefix({ ...none, oomScoreAdj: 100 }, (tool) => (tool === 'choom' ? null : find(tool)), 0);
  assert.deepEqual(result, { ok: false, reason: 'choom not found (util-linux): it sets oom_score_adj before the program runs' });
});
