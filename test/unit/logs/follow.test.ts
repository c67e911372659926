import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { FileChain, followLog, type Gap } from '../../../src/logs/follow.js';
import { RotatingFile } from '../../../src/logs/rotating-file.js';
import { readTail } from '../../../src/logs/tail.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

const line = (n: number): string => `line ${String(n).padStart(5, '0')} ${'z'.repeat(40)}\n`;

async function follow(maxHeld: number, lines: number): Promise<{ text: string; gaps: Gap[] }> {
  const temp = makeTempDir();
  const log = new RotatingFile(path.join(temp.dir, 'a.log'), { maxSize: 500, intervalMs: null, keep: 1, compress: false }, () => undefined);
  await log.idle();
  const chain = new FileChain(log, maxHeld);
  const { cursor } = await readTail(log.file, chain.openCurrent(), 0);
  // The whole flood is written (and rotated, and pruned) before the follower reads a byte.
  for (let n = 1; n <= lines; n++) log.append([Buffer.from(line(n))]);
  await log.idle();
  let text = '';
  const gaps: Gap[] = [];
  const stop = new AbortController();
  const done = followLog(log, chain, cursor, { send: async (b) => void (text += b.toString()), gap: async (g) => void gaps.push(g) }, stop.signal);
  try {
    await waitFor(() => text.includes(line(lines)), { what: 'the last line' });
  } finally {
    stop.abort();
    await done;
    await chain.stop();
    await cursor.handle?.close();
    await log.close();
    temp.remove();
  }
  return { text, gaps };
}

test('a follower that has read nothing while 100 files rotated and were pruned still reads every line, in order', async () => {
  const { text, gaps } = await follow(256, 1000);
  assert.deepEqual(gaps, []);
  assert.equal(text, Array.from({ length: 1000 }, (_, i) => line(i + 1)).join(''));
});

test('past maxHeld files behind, the oldest held are let go as one gap with their bytes; the rest is read whole', async () => {
  const { text, gaps } = await follow(10, 1000);
  assert.equal(gaps.length, 1, JSON.stringify(gaps));
  assert.match(gaps[0]!.reason, /fell more than 10 files behind/);
  // The file it was reading is read to its end, then the gap, then the newest files to the end.
  const numbers = text.split('\n').slice(0, -1).map((l) => Number(/^line (\d+)/.exec(l)![1]));
  const jump = numbers.findIndex((n, i) => i > 0 && n !== numbers[i - 1]! + 1);
  assert.ok(jump > 0, 'one jump');
  assert.equal(numbers[0], 1);
  assert.equal(numbers.at(-1), 1000);
  numbers.slice(jump).forEach((n, i) => assert.equal(n, numbers[jump]! + i));
  const skipped = numbers[jump]! - numbers[jump - 1]! - 1;
  assert.ok(skipped > 0);
  assert.equal(gaps[0]!.bytes, skipped * line(1).length, 'the gap counts exactly the bytes not shown');
  assert.equal(text, numbers.map(line).join(''), 'whole lines');
});
