// The console's pieces: whole lines out of any cut of the reads, the prefix and its colour,
// JSON lines, and the writer that releases a read only once its lines are written.
import assert from 'node:assert/strict';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConsoleOutput, wantsColour } from '../../../src/logs/console.js';
import { cutLines, joinJson, joinPrefixed } from '../../../src/logs/console-lines.js';
import { formatJsonLine } from '../../../src/logs/log-format.js';
import { StdoutWriter } from '../../../src/logs/stdout-writer.js';
import { makeTempDir } from '../../helpers/temp.js';

test('cutLines: however the bytes are cut into reads, the same whole lines come out, the last unfinished one at end()', () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z ]{0,30}$/), { maxLength: 20 }), fc.array(fc.nat(40), { maxLength: 30 }), fc.boolean(), (lines, cuts, trailing) => {
      const text = lines.join('\n') + (trailing && lines.length > 0 ? '\n' : '');
      const bytes = Buffer.from(text);
      const cutter = cutLines();
      const out: string[] = [];
      let at = 0;
      for (const size of [...cuts, bytes.length]) {
        const read = Buffer.from(bytes.subarray(at, at + size));
        at += size;
        // The read's buffer is reused by the reader: scribble over it after the push.
        for (const block of cutter.push(read)) {
          assert.equal(block.at(-1), 0x0a, 'a block ends in a newline');
          out.push(...block.toString().slice(0, -1).split('\n'));
        }
        read.fill(0x21);
      }
      const last = cutter.end();
      if (last !== null) out.push(last.toString());
      const expected = text === '' ? [] : text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
      assert.deepEqual(out, expected);
    }),
  );
});

test('cutLines: a line longer than the maximum goes out in pieces of the maximum', () => {
  const cutter = cutLines(10);
  assert.deepEqual(cutter.push(Buffer.from('0123456789abcdefghijXY')).map(String), ['0123456789\n', 'abcdefghij\n']);
  assert.deepEqual(cutter.push(Buffer.from('Z\nnext')).map(String), ['XYZ\n']);
  assert.equal(String(cutter.end()), 'next');
});

test('joinPrefixed: one buffer, each line prefixed and ended', () => {
  assert.equal(joinPrefixed(Buffer.from('web:0 | '), [Buffer.from('a\n\n'), Buffer.from('b c\n')]).toString(), 'web:0 | a\nweb:0 | \nweb:0 | b c\n');
  const utf8 = Buffer.from('\u00e9t\u00e9 \u2603\n');
  assert.deepEqual(joinPrefixed(Buffer.from('\u00e9 | '), [utf8]), Buffer.concat([Buffer.from('\u00e9 | '), utf8]), 'bytes pass through as they are');
});

test('joinPrefixed and joinJson: a block of many lines (several pieces) gives every line once, in order', () => {
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
  const block = Buffer.from(`${lines.join('\n')}\n`);
  assert.equal(joinPrefixed(Buffer.from('p | '), [block]).toString(), lines.map((l) => `p | ${l}\n`).join(''));
  const json = joinJson(Buffer.from('{"msg":'), Buffer.from('}\n'), [block]).toString().split('\n').slice(0, -1);
  assert.deepEqual(json.map((l) => (JSON.parse(l) as { msg: string }).msg), lines);
});

test('formatJsonLine: keys in order, optional ones only when given, a JSON message stays a string', () => {
  const time = new Date('2026-01-02T03:04:05.006Z');
  assert.equal(formatJsonLine(time, { level: 'info', msg: 'hi' }), '{"ts":"2026-01-02T03:04:05.006Z","level":"info","msg":"hi"}\n');
  const line = formatJsonLine(time, { level: 'info', msg: '{"level":"x","pid":1}\n', name: 'web:0', pid: 7, stream: 'stderr' });
  assert.deepEqual(JSON.parse(line), { ts: '2026-01-02T03:04:05.006Z', level: 'info', msg: '{"level":"x","pid":1}\n', name: 'web:0', pid: 7, stream: 'stderr' });
  assert.equal(line.split('\n').length, 2, 'one line, whatever the message holds');
});

test('ConsoleOutput: names padded to the widest registered, a colour per program, each read released once written', async () => {
  const temp = makeTempDir();
  const file = path.join(temp.dir, 'out');
  const fd = openSync(file, 'w');
  try {
    const writer = new StdoutWriter(fd, (m) => assert.fail(m));
    const out = new ConsoleOutput(writer, { format: 'text', colour: true });
    out.register('worker:10', 'worker');
    const web = out.feed('web:0', 'web', 1, 'stdout');
    const worker = out.feed('worker:10', 'worker', 2, 'stderr');
    let released = 0;
    web.handler(Buffer.from('hello\nhal'), () => released++);
    worker.handler(Buffer.from('busy\n'), () => released++);
    web.handler(Buffer.from('f\n'), () => released++);
    web.end();
    await out.flushed();
    assert.equal(released, 3);
    assert.equal(
      readFileSync(file, 'utf8'),
      // worker registered first: the first colour (cyan), web the second (yellow).
      '\x1b[33mweb:0     |\x1b[0m hello\n\x1b[36mworker:10 |\x1b[0m busy\n\x1b[33mweb:0     |\x1b[0m half\n',
    );
  } finally {
    closeSync(fd);
    temp.remove();
  }
});

test('wantsColour: never with NO_COLOR set, nor when stdout is no terminal', () => {
  assert.equal(wantsColour({ NO_COLOR: '1' }), false);
  const temp = makeTempDir();
  const fd = openSync(path.join(temp.dir, 'f'), 'w');
  try {
    assert.equal(wantsColour({}, fd), false);
  } finally {
    closeSync(fd);
    temp.remove();
  }
});

test('joinJson: any line (quotes, backslashes, control bytes, UTF-8, JSON) gives a line that parses back to it', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary' }).map((s) => s.replaceAll('\n', '')), { maxLength: 8 }), (lines) => {
      const out = joinJson(Buffer.from('{"ts":"x","msg":'), Buffer.from(',"name":"a:0"}\n'), lines.map((l) => Buffer.from(`${l}\n`)));
      const parsed = out.toString().split('\n').slice(0, -1).map((l) => JSON.parse(l) as { msg: string; name: string });
      assert.deepEqual(parsed.map((p) => p.msg), lines.map((l) => Buffer.from(l).toString('utf8')));
      assert.ok(parsed.every((p) => p.name === 'a:0'));
    }),
  );
});
