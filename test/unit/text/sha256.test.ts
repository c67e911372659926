// The JavaScript SHA-256 that names a state dir's cgroups and fifo dir: the same digits as
// node:crypto's, so the names do not change with it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { sha256Hex } from '../../../src/text/sha256.js';

test('sha256Hex gives the known digests (empty, "abc", two blocks)', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('sha256Hex agrees with node:crypto on any text, across block boundaries and UTF-8', () => {
  for (const n of [55, 56, 63, 64, 65, 119, 120, 1000]) assert.equal(sha256Hex('x'.repeat(n)), createHash('sha256').update('x'.repeat(n)).digest('hex'));
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => sha256Hex(text) === createHash('sha256').update(text).digest('hex')));
});
