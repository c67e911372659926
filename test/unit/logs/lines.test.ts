import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cutParts, endsMidLine, indexOfLineEnd, lastLineEnd, lastLines, rotationCut, stampLines } from '../../../src/logs/lines.js';

const b = (s: string): Buffer => Buffer.from(s);
const str = (parts: readonly Buffer[]): string => Buffer.concat(parts).toString();

test('indexOfLineEnd finds the first newline at or after a byte, across buffers', () => {
  const parts = [b('ab'), b('c\nd'), b(''), b('e\n')];
  assert.equal(indexOfLineEnd(parts, 0), 3);
  assert.equal(indexOfLineEnd(parts, 3), 3);
  assert.equal(indexOfLineEnd(parts, 4), 6);
  assert.equal(indexOfLineEnd(parts, 7), -1);
  assert.equal(indexOfLineEnd([], 0), -1);
});

test('cutParts splits without copying and loses nothing', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 5 }), { maxLength: 6 }), fc.nat(40), (strings, at) => {
      const parts = strings.map(b);
      const whole = str(parts);
      const cut = Math.min(at, Buffer.byteLength(whole));
      const [head, tail] = cutParts(parts, cut);
      assert.equal(str(head) + str(tail), whole);
      assert.equal(Buffer.concat(head).length, cut);
    }),
  );
  const source = b('hello\nworld');
  const [head] = cutParts([source], 3);
  assert.equal(head[0]!.buffer, source.buffer, 'shares memory');
});

test('rotationCut: after the line that reaches max_size, at the first line end once due, never mid-line but for a line past twice the size', () => {
  const parts = [b('aaaa\nbb'), b('bb\ncc\n')];
  assert.deepEqual(rotationCut(parts, 14, 0, 100, false), { cut: -1, due: false }, 'far from max_size');
  assert.deepEqual(rotationCut(parts, 14, 0, 3, false), { cut: 5, due: false }, 'the line holding byte 3 ends at 4');
  assert.deepEqual(rotationCut(parts, 14, 0, 6, false), { cut: 10, due: false }, 'the line crossing the parts');
  assert.deepEqual(rotationCut(parts, 14, 90, 100, false), { cut: 10, due: false });
  assert.deepEqual(rotationCut(parts, 14, 0, 0, true), { cut: 5, due: false }, 'an interval: the first line end');
  assert.deepEqual(rotationCut([b('xxxx')], 4, 8, 10, false), { cut: -1, due: true }, 'the line has not ended: wait for it');
  assert.deepEqual(rotationCut([b('xxxx')], 4, 18, 10, true), { cut: 2, due: false }, 'cut at twice max_size');
  assert.deepEqual(rotationCut(parts, 14, 0, 0, false), { cut: -1, due: false }, 'max_size 0: never by size');
});

test('endsMidLine looks at the last non-empty buffer', () => {
  assert.equal(endsMidLine([b('a\n'), b('')], true), false);
  assert.equal(endsMidLine([b('a\nb')], false), true);
  assert.equal(endsMidLine([], true), true);
});

function stamp(chunk: string, atLineStart: boolean): { text: string; atLineStart: boolean } {
  const result = stampLines(b(chunk), atLineStart, 'T ');
  const text = result.texts.join('');
  assert.equal(text.length, result.length, 'the length is that of the texts');
  return { text, atLineStart: result.atLineStart };
}

test('stampLines keeps every byte as it was (latin1 is one char a byte)', () => {
  const bytes = Buffer.from([0xff, 0x00, 0xc3, 0xa9, 0x0a, 0x80, 0x0a]);
  const { texts } = stampLines(bytes, true, 'T ');
  assert.deepEqual(Buffer.from(texts.join(''), 'latin1'), Buffer.concat([b('T '), bytes.subarray(0, 5), b('T '), bytes.subarray(5)]));
});

test('stampLines stamps each line once, even a line split across reads', () => {
  const first = stamp('one\ntw', true);
  assert.deepEqual(first, { text: 'T one\nT tw', atLineStart: false });
  assert.deepEqual(stamp('o\nthree\n', false), { text: 'o\nT three\n', atLineStart: true });
  assert.deepEqual(stamp('\n\n', true), { text: 'T \nT \n', atLineStart: true });
  assert.deepEqual(stamp('', true), { text: '', atLineStart: true });
});

test('a chunk longer than a piece is stamped as a whole (every line once, none split by the pieces)', () => {
  const line = `${'x'.repeat(99)}\n`;
  const data = line.repeat(1000); // 100,000 bytes: four pieces, cut inside lines
  const { text, atLineStart } = stamp(data, true);
  assert.equal(text, `T ${line}`.repeat(1000));
  assert.equal(atLineStart, true);
});

test('stamping in any split of the input gives the same file as stamping it whole', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', '\n'), { maxLength: 30 }), fc.array(fc.nat(30), { maxLength: 5 }), (chars, cuts) => {
      const text = chars.join('');
      const whole = stamp(text, true).text;
      const points = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((x, y) => x - y);
      let atLineStart = true;
      let out = '';
      let from = 0;
      for (const point of [...points, text.length]) {
        const piece = stamp(text.slice(from, point), atLineStart);
        atLineStart = piece.atLineStart;
        out += piece.text;
        from = point;
      }
      assert.equal(out, whole);
    }),
  );
});

test('lastLines takes the last n lines, counting an unterminated last piece as a line', () => {
  const data = b('1\n2\n3\n');
  assert.deepEqual([lastLines(data, 2, true).text.toString(), lastLines(data, 2, true).count], ['2\n3\n', 2]);
  assert.deepEqual([lastLines(data, 5, true).text.toString(), lastLines(data, 5, true).count], ['1\n2\n3\n', 3]);
  assert.equal(lastLines(b('1\n2\n3'), 1, true).text.toString(), '3');
  assert.equal(lastLines(data, 0, true).text.toString(), '');
  assert.equal(lastLines(b(''), 3, true).count, 0);
});

test('lastLines does not count the first piece of data that starts mid-line', () => {
  const tail = b('rt of one\n2\n3\n');
  assert.deepEqual([lastLines(tail, 5, false).text.toString(), lastLines(tail, 5, false).count], ['2\n3\n', 2]);
  assert.equal(lastLines(b('\n\n'), 5, true).count, 2, 'empty lines count');
});

test('lastLineEnd: the last newline within a prefix of a list of buffers', () => {
  const parts = [Buffer.from('ab\ncd'), Buffer.from(''), Buffer.from('e\nf'), Buffer.from('gh')];
  assert.equal(lastLineEnd(parts, 10), 6);
  assert.equal(lastLineEnd(parts, 7), 6);
  assert.equal(lastLineEnd(parts, 6), 2);
  assert.equal(lastLineEnd(parts, 3), 2);
  assert.equal(lastLineEnd(parts, 2), -1);
  assert.equal(lastLineEnd([Buffer.from('\n')], 1), 0);
  assert.equal(lastLineEnd([], 0), -1);
});

test('lastLineEnd agrees with lastIndexOf on the joined prefix', () => {
  const part = fc.array(fc.constantFrom(0x0a, 0x61), { maxLength: 6 }).map((bytes) => Buffer.from(bytes));
  fc.assert(
    fc.property(fc.array(part, { maxLength: 5 }), fc.nat(), (parts, n) => {
      const joined = Buffer.concat(parts);
      const length = n % (joined.length + 1);
      assert.equal(lastLineEnd(parts, length), joined.subarray(0, length).lastIndexOf(0x0a));
    }),
  );
});
