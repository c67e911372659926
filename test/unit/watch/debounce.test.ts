import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addChange, msUntilDue } from '../../../src/watch/debounce.js';

test('debounce: a burst is one pending restart that keeps its first path and counts the rest', () => {
  let pending = addChange(null, '/a', 1000);
  for (let i = 1; i < 1000; i++) pending = addChange(pending, `/f${i}`, 1000 + i);
  assert.deepEqual(pending, { first: '/a', count: 1000, lastAt: 1999 });
});

test('debounce: due `debounce` after the last change, never sooner', () => {
  let pending = addChange(null, '/a', 1000);
  assert.equal(msUntilDue(pending, 500, 1000), 500);
  assert.equal(msUntilDue(pending, 500, 1400), 100);
  pending = addChange(pending, '/b', 1400);
  assert.equal(msUntilDue(pending, 500, 1500), 400, 'a later change moves the restart');
  assert.equal(msUntilDue(pending, 500, 1900), 0);
  assert.equal(msUntilDue(pending, 500, 5000), 0);
});
