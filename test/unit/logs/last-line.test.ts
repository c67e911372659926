import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LastLine, MAX_CHARS } from '../../../src/logs/last-line.js';

const fed = (...chunks: string[]): string | null => {
  const tracker = new LastLine();
  for (const chunk of chunks) tracker.feed(Buffer.from(chunk));
  return tracker.line;
};

test('LastLine: the last non-empty line, whatever the reads cut', () => {
  assert.equal(fed(), null);
  assert.equal(fed('one\ntwo\n'), 'two');
  assert.equal(fed('one\ntwo\n\n  \n'), 'two', 'blank lines after it do not count');
  assert.equal(fed('one\ntw', 'o\n'), 'two', 'a line split across reads');
  assert.equal(fed('one\n', '\n', '\n'), 'one', 'blank reads later');
  assert.equal(fed('one\n', 'unfinished'), 'unfinished', 'a last line without its newline');
  assert.equal(fed('Perm', 'issionError', ': denied\n\n'), 'PermissionError: denied');
  assert.equal(fed('\x1b[31mred error\x1b[0m\r\n'), 'red error', 'colours and CR go');
});

test('LastLine: at most MAX_CHARS, cut with "..."', () => {
  const line = fed(`${'a'.repeat(10_000)}\n`)!;
  assert.equal(line.length, MAX_CHARS);
  assert.ok(line.endsWith('...'));
  assert.equal(fed('b'.repeat(300), 'c'.repeat(300), '\n')!.length, MAX_CHARS);
});
