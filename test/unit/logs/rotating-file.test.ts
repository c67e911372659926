import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { LogRotationSpec } from '../../../src/config/types.js';
import { nextBoundary } from '../../../src/logs/interval-timer.js';
import { RotatingFile } from '../../../src/logs/rotating-file.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

const spec = (over: Partial<LogRotationSpec>): LogRotationSpec => ({ maxSize: 0, intervalMs: null, keep: 10, compress: false, ...over });

function readAll(dir: string, base: string): { files: string[]; contents: string[] } {
  const files = readdirSync(dir).filter((f) => f.startsWith(base)).sort((a, b) => (a === base ? 1 : b === base ? -1 : a.localeCompare(b)));
  const contents = files.map((f) => {
    const raw = readFileSync(path.join(dir, f));
    return (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString();
  });
  return { files, contents };
}

test('rotates at the end of the line that reaches max_size, whatever the pieces, and loses nothing', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'app.log');
    const errors: string[] = [];
    const sink = new RotatingFile(file, spec({ maxSize: 1000, keep: 100, compress: true }), (m) => errors.push(m));
    const text = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}\n`).join('');
    let released = 0;
    for (let at = 0, n = 1; at < text.length; at += n, n = (n * 7 + 3) % 200) sink.append([Buffer.from(text.slice(at, at + n))], () => released++);
    await sink.close();
    const { files, contents } = readAll(temp.dir, 'app.log');
    assert.deepEqual(errors, []);
    assert.ok(files.length > 50, `rotated: ${files.length}`);
    assert.ok(files.slice(0, -1).every((f) => f.endsWith('.gz')), 'rotated files are compressed');
    assert.equal(contents.join(''), text, 'every byte once, in order');
    for (const content of contents.slice(0, -1)) {
      assert.ok(content.endsWith('\n'), 'no file ends mid-line');
      assert.ok(content.length >= 1000 && content.length < 1000 + 60, `size ${content.length}`);
    }
    assert.ok(released > 0 && sink.pendingBytes === 0);
  } finally {
    temp.remove();
  }
});

test('a line longer than max_size is kept whole until twice max_size', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'long.log');
    const sink = new RotatingFile(file, spec({ maxSize: 100 }), () => undefined);
    sink.append([Buffer.from('a'.repeat(150))]);
    sink.append([Buffer.from('b'.repeat(30) + '\nnext\n')]);
    sink.append([Buffer.from('c'.repeat(250))]);
    await sink.close();
    const { contents } = readAll(temp.dir, 'long.log');
    assert.deepEqual(contents.map((c) => c.length), [181, 200, 55]);
    assert.equal(contents[0], `${'a'.repeat(150)}${'b'.repeat(30)}\n`);
  } finally {
    temp.remove();
  }
});

test('an interval rotation waits for the end of the line in progress', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'tick.log');
    const sink = new RotatingFile(file, spec({ intervalMs: 40 }), () => undefined);
    sink.append([Buffer.from('first\nhalf')]);
    await sink.flushed();
    const rotatedSoFar = (): number => readdirSync(temp.dir).filter((f) => f.startsWith('tick.log.')).length;
    const start = Date.now();
    await waitFor(() => Date.now() - start > 120);
    assert.equal(rotatedSoFar(), 0, 'no rotation while a line is open');
    sink.append([Buffer.from(' done\nafter\n')]);
    await waitFor(() => rotatedSoFar() >= 1, { what: 'the rotation at the line end' });
    await sink.close();
    const { contents } = readAll(temp.dir, 'tick.log');
    assert.equal(contents[0], 'first\nhalf done\n');
    assert.equal(contents.join(''), 'first\nhalf done\nafter\n');
  } finally {
    temp.remove();
  }
});

test('keep prunes the oldest; reopen follows a file moved away; a restart appends', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'k.log');
    const sink = new RotatingFile(file, spec({ maxSize: 10, keep: 2 }), () => undefined);
    for (let i = 0; i < 6; i++) sink.append([Buffer.from(`${i}`.repeat(10) + '\n')]);
    await sink.idle();
    await waitFor(() => readdirSync(temp.dir).filter((f) => f.startsWith('k.log.')).length === 2, { what: 'two kept' });
    renameSync(file, path.join(temp.dir, 'moved.log'));
    sink.append([Buffer.from('to moved\n')]);
    await sink.idle();
    sink.reopen();
    sink.append([Buffer.from('to new\n')]);
    await sink.close();
    assert.equal(readFileSync(path.join(temp.dir, 'moved.log'), 'utf8'), 'to moved\n');
    assert.equal(readFileSync(file, 'utf8'), 'to new\n');
    const again = new RotatingFile(file, spec({ maxSize: 1000 }), () => undefined);
    again.append([Buffer.from('again\n')]);
    await again.close();
    assert.equal(readFileSync(file, 'utf8'), 'to new\nagain\n');
  } finally {
    temp.remove();
  }
});

test('at open, rotated files a previous supd left uncompressed are compressed, half-written .gz removed', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'r.log');
    writeFileSync(`${file}.20250101T000000.000Z`, 'old\n');
    writeFileSync(`${file}.20250101T000000.000Z.gz.partial`, 'junk');
    const sink = new RotatingFile(file, spec({ compress: true }), () => undefined);
    await sink.close();
    assert.deepEqual(readdirSync(temp.dir).sort(), ['r.log', 'r.log.20250101T000000.000Z.gz']);
    assert.equal(gunzipSync(readFileSync(`${file}.20250101T000000.000Z.gz`)).toString(), 'old\n');
  } finally {
    temp.remove();
  }
});

test('interval boundaries fall on local multiples of the interval', () => {
  const now = new Date(2025, 5, 1, 10, 17, 3).getTime();
  assert.equal(nextBoundary(now, 3_600_000), new Date(2025, 5, 1, 11, 0, 0).getTime());
  assert.equal(nextBoundary(now, 86_400_000), new Date(2025, 5, 2, 0, 0, 0).getTime());
  assert.equal(nextBoundary(now, 15 * 60_000), new Date(2025, 5, 1, 10, 30, 0).getTime());
});
