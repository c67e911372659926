import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { RotatingFile } from '../../../src/logs/rotating-file.js';
import { readTailOfPath, tailOfStream } from '../../../src/logs/tail.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

const numbered = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

test('tailOfStream keeps only what the last n lines need, in any chunking', async () => {
  const text = numbered(0, 1000);
  for (const size of [1, 7, 100, 5000]) {
    const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => Buffer.from(text.slice(i * size, (i + 1) * size)));
    assert.equal((await tailOfStream(Readable.from(chunks), 3)).toString(), numbered(997, 1000), `chunks of ${size}`);
    assert.equal((await tailOfStream(Readable.from(chunks), 2000)).toString(), text);
  }
});

test('readTail takes the live file first, then the rotated files newest first (gzip), and leaves a cursor at the end', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'app.log');
    const log = new RotatingFile(file, { maxSize: 2000, intervalMs: null, keep: 5, compress: true }, () => undefined);
    log.append([Buffer.from(numbered(0, 2000))]);
    await log.idle();
    const names = (): string[] => readdirSync(temp.dir);
    await waitFor(() => names().filter((f) => f.endsWith('.gz')).length === 5 && !names().some((f) => /Z$|partial$/.test(f)), { what: '5 compressed' });
    const live = readFileSync(file, 'utf8');
    const newest = gunzipSync(readFileSync(path.join(temp.dir, names().filter((f) => f.endsWith('.gz')).sort().at(-1)!))).toString();
    assert.ok(live.split('\n').length < 120 && newest.split('\n').length > 120);
    const { text, cursor } = await readTailOfPath(file, 3);
    assert.equal(text.toString(), numbered(1997, 2000));
    assert.equal(cursor.position, live.length, 'the cursor is at the end of the live file');
    const across = await readTailOfPath(file, 120);
    assert.equal(across.text.toString(), numbered(1880, 2000), 'the rotated boundary is crossed');
    const wide = await readTailOfPath(file, 100_000);
    assert.ok(wide.text.toString().endsWith(newest + live));
    assert.ok(wide.text.toString().split('\n').length > newest.split('\n').length + 120, 'back through every rotated file, not only the newest');
    assert.equal(wide.text.toString(), numbered(2000 - (wide.text.toString().split('\n').length - 1), 2000), 'in order, none twice');
    for (const r of [across, wide, { cursor }]) await r.cursor.handle?.close();
    await log.close();
  } finally {
    temp.remove();
  }
});
