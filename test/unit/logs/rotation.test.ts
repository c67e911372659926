import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PendingQueue, splitPending, untilLineEnd, type Pending } from '../../../src/logs/pending.js';
import { rotatedName } from '../../../src/logs/rotated-files.js';
import { Rotation } from '../../../src/logs/rotation.js';
import { SyncLogFile } from '../../../src/logs/sync-log-file.js';
import { makeTempDir } from '../../helpers/temp.js';

const spec = { maxSize: 0, intervalMs: null, keep: 10, compress: false };
const text = (pieces: readonly Pending[]): string => pieces.map((p) => p.data.toString()).join('|');

test('splitPending cuts a batch without copies; the straddling piece keeps its release on its tail', () => {
  const released: string[] = [];
  const piece = (s: string): Pending => ({ data: Buffer.from(s), release: () => released.push(s) });
  const [head, rest] = splitPending([piece('ab'), piece('cde'), piece('f')], 3);
  assert.equal(text(head), 'ab|c');
  assert.equal(text(rest), 'de|f');
  assert.equal(head[1]!.release, null);
  rest[0]!.release!();
  assert.deepEqual(released, ['cde']);
  const { head: line, rest: after, ended } = untilLineEnd([piece('x\ny'), piece('z')]);
  assert.deepEqual([text(line), text(after), ended], ['x\n', 'y|z', true]);
  assert.equal(untilLineEnd([piece('no end')]).ended, false);
});

test('PendingQueue counts appended and settled bytes, and frees each release once settled', () => {
  const queue = new PendingQueue();
  let freed = 0;
  queue.push([Buffer.from('abc'), Buffer.from('de')], () => freed++);
  queue.push([], () => freed++);
  assert.equal(freed, 1, 'an empty append is released at once');
  assert.deepEqual([queue.appended, queue.settled, queue.length], [5, 0, 2]);
  const batch = queue.take();
  queue.settle(batch);
  assert.deepEqual([queue.settled, freed, queue.length], [5, 2, 0]);
});

test('Rotation moves the live file aside after the newest rotated one, never reusing a stamp', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'a.log');
    const future = Date.UTC(2099, 0, 1);
    writeFileSync(rotatedName(file, future), 'old\n');
    const errors: string[] = [];
    const rotation = new Rotation(file, spec, (m) => errors.push(m), () => 1000, () => undefined);
    writeFileSync(file, 'one\n');
    await rotation.moveAside();
    writeFileSync(file, 'two\n');
    rotation.moveAsideSync();
    await rotation.moveAside();
    await rotation.stop();
    const names = readdirSync(temp.dir).sort();
    assert.deepEqual(names, [0, 1, 2].map((n) => path.basename(rotatedName(file, future + n))));
    assert.equal(readFileSync(path.join(temp.dir, names[1]!), 'utf8'), 'one\n');
    assert.equal(readFileSync(path.join(temp.dir, names[2]!), 'utf8'), 'two\n');
    assert.equal(errors.length, 1, 'the third move finds no live file, and says so');
    assert.match(errors[0]!, /cannot rotate .*a\.log/);
  } finally {
    temp.remove();
  }
});

test('SyncLogFile rotates after the line that reaches max_size, through the same core', async () => {
  const temp = makeTempDir();
  try {
    const file = path.join(temp.dir, 'supd.log');
    const log = new SyncLogFile(file, { ...spec, maxSize: 10 }, () => undefined);
    log.write('0123456789abc\n');
    log.write('next\n');
    await log.close();
    const rotated = readdirSync(temp.dir).filter((n) => n !== 'supd.log');
    assert.equal(rotated.length, 1);
    assert.equal(readFileSync(path.join(temp.dir, rotated[0]!), 'utf8'), '0123456789abc\n');
    assert.equal(readFileSync(file, 'utf8'), 'next\n');
  } finally {
    temp.remove();
  }
});
