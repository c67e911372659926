import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_AGE_MS, recentTreeMemory } from '../../../src/process/tree-memory-cache.js';

test('recentTreeMemory: a tree read once serves asks within MAX_AGE_MS, is read again after', () => {
  const now = Date.now();
  const first = recentTreeMemory(process.pid, now);
  assert.ok(first !== null && first.rssBytes > 1_000_000);
  assert.equal(recentTreeMemory(process.pid, now + MAX_AGE_MS - 1), first, 'the same figures, not read again');
  const later = recentTreeMemory(process.pid, now + MAX_AGE_MS);
  assert.ok(later !== null && later !== first, 'read again once MAX_AGE_MS old');
});

test('recentTreeMemory: a pid that is gone is null', () => {
  assert.equal(recentTreeMemory(2 ** 22 + 12_345), null);
});
