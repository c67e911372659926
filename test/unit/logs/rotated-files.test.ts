import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyRotated, formatStamp, parseStamp, pathsToPrune, rotatedName } from '../../../src/logs/rotated-files.js';

test('stamps are UTC, fixed width, sort by time, and parse back', () => {
  const t = Date.UTC(2025, 0, 31, 23, 59, 58, 7);
  assert.equal(formatStamp(t), '20250131T235958.007Z');
  assert.equal(parseStamp(formatStamp(t)), t);
  assert.equal(rotatedName('/l/web-0.out.log', t), '/l/web-0.out.log.20250131T235958.007Z');
  assert.ok(formatStamp(t) < formatStamp(t + 1));
});

test('classifyRotated lists one file per stamp, oldest first, the plain one while its .gz is being written', () => {
  const names = [
    'web-0.out.log',
    'web-0.out.log.20250102T000000.000Z.gz',
    'web-0.out.log.20250101T000000.000Z.gz',
    'web-0.out.log.20250103T000000.000Z',
    'web-0.out.log.20250103T000000.000Z.gz.partial',
    'web-0.out.log.1',
    'web-1.out.log.20250101T000000.000Z.gz',
    'web-0.err.log.20250101T000000.000Z',
  ];
  const listing = classifyRotated('/l/web-0.out.log', names);
  assert.deepEqual(
    listing.files.map((f) => [f.path, f.compressed]),
    [
      ['/l/web-0.out.log.20250101T000000.000Z.gz', true],
      ['/l/web-0.out.log.20250102T000000.000Z.gz', true],
      ['/l/web-0.out.log.20250103T000000.000Z', false],
    ],
  );
  assert.deepEqual(listing.partials, ['/l/web-0.out.log.20250103T000000.000Z.gz.partial']);
  assert.deepEqual(pathsToPrune(listing, 2), ['/l/web-0.out.log.20250101T000000.000Z.gz']);
  assert.equal(pathsToPrune(listing, 0).length, 4, 'keep = 0 removes every rotated file, partials too');
  assert.deepEqual(pathsToPrune(listing, 10), []);
});
