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

// Linear time without a timed assertion: each byte is searched once (the positions passed
// to indexOf only move forward), and a line cut into many chunks is joined once.
test('each chunk is searched once from left to right, and a line held over many chunks is joined once', () => {
  const splitter = new LineSplitter(1 << 20);
  const chunk = Buffer.from('{"cmd":"ping"}\n'.repeat(4369)); // 64 KB
  const starts: number[] = [];
  const search = chunk.indexOf.bind(chunk);
  chunk.indexOf = ((value: number, from?: number) => {
    starts.push(from ?? 0);
    return search(value, from);
  }) as typeof chunk.indexOf;
  assert.equal(splitter.push(chunk)!.length, 4369);
  assert.equal(starts.length, 4370, 'one search per line, and one that finds no more');
  assert.ok(starts.every((s, i) => i === 0 || s > starts[i - 1]!), 'never searched from an earlier position');
  const concat = Buffer.concat;
  let joins = 0;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    joins++;
    return concat(list, total);
  }) as typeof Buffer.concat;
  try {
    for (let i = 0; i < 1000; i++) assert.deepEqual(splitter.push(Buffer.from('x'.repeat(100))), []);
    const lines = splitter.push(Buffer.from('\n'))!;
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.length, 100_000);
  } finally {
    Buffer.concat = concat;
  }
  assert.equal(joins, 1, 'the held pieces are joined once, when the newline comes');
});
