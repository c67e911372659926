import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_AGE_MS, recentTreeMemory, refreshed, STALE_LIMIT_MS } from '../../../src/process/tree-memory-cache.js';

test('recentTreeMemory: a tree read once serves asks within MAX_AGE_MS; older, it is served while read again in the background', async () => {
  const now = Date.now();
  const first = recentTreeMemory(process.pid, now);
  assert.ok(first !== null && first.rssBytes > 1_000_000);
  assert.equal(recentTreeMemory(process.pid, now + MAX_AGE_MS - 1), first, 'the same figures, not read again');
  assert.equal(recentTreeMemory(process.pid, now + MAX_AGE_MS), first, 'expired: the old figures at once');
  await refreshed();
  const later = recentTreeMemory(process.pid, Date.now());
  assert.ok(later !== null && later !== first, 'read again in the background');
});

test('recentTreeMemory: a tree not asked about for STALE_LIMIT_MS is read while the ask waits', () => {
  const pid = process.ppid;
  const now = Date.now();
  const first = recentTreeMemory(pid, now);
  const much = recentTreeMemory(pid, now + STALE_LIMIT_MS);
  assert.ok(much !== null && much !== first, 'read again at once');
});

test('recentTreeMemory: a pid that is gone is null', () => {
  assert.equal(recentTreeMemory(2 ** 22 + 12_345), null);
});
