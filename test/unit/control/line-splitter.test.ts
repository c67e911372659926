import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/control/line-splitter.js';

test('lines split across chunks, several in one chunk, and multi-byte characters cut in two', () => {
  const splitter = new LineSplitter(100);
  assert.deepEqual(splitter.push(Buffer.from('{"a":')), []);
  assert.deepEqual(splitter.push(Buffer.from('1}\n{"b":2}\n{"c"')), ['{"a":1}', '{"b":2}']);
  const euro = Buffer.from('"€"\n');
  assert.deepEqual(splitter.push(Buffer.concat([Buffer.from(':'), euro.subarray(0, 2)])), []);
  assert.deepEqual(splitter.push(euro.subarray(2)), ['{"c":"€"']);
  assert.deepEqual(splitter.push(Buffer.from('\n\n')), ['', '']);
});

test('a line over the limit is refused as soon as it passes it, newline or not', () => {
  assert.deepEqual(new LineSplitter(5).push(Buffer.from('12345\n')), ['12345']);
  assert.equal(new LineSplitter(5).push(Buffer.from('123456\n')), null);
  const splitter = new LineSplitter(5);
  assert.deepEqual(splitter.push(Buffer.from('ok\n123')), ['ok']);
  assert.equal(splitter.push(Buffer.from('456')), null, 'refused before any newline comes');
});

test('a 100 MB stream of short lines takes time linear in its size', () => {
  const splitter = new LineSplitter(1024);
  const chunk = Buffer.from('{"cmd":"ping"}\n'.repeat(4369)); // 64 KB
  const began = performance.now();
  let lines = 0;
  for (let i = 0; i < 1600; i++) lines += splitter.push(chunk)!.length;
  assert.equal(lines, 4369 * 1600);
  assert.ok(performance.now() - began < 5000, `took ${performance.now() - began} ms`);
});
