import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { readPipe } from '../../../src/logs/pipe-reader.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

for (const reuseBuffers of [true, false]) {
  test(`${reuseBuffers ? 'reused buffers' : 'the data-event fallback'}: stops reading while buffers are unreleased, then delivers every byte in order`, async () => {
    const temp = makeTempDir();
    try {
      const data = Buffer.from(Array.from({ length: 700_000 }, (_, i) => `${i}\n`).join(''));
      const file = temp.write('in.txt', data.toString());
      const child = spawn('cat', [path.resolve(file)], { stdio: ['ignore', 'pipe', 'ignore'] });
      const received: Buffer[] = [];
      const held: Array<() => void> = [];
      let holding = true;
      const reader = readPipe(
        child.stdout,
        (chunk, release) => {
          received.push(Buffer.from(chunk));
          if (holding) held.push(release);
          else release();
        },
        { reuseBuffers },
      );
      await waitFor(() => reader.paused, { what: 'reading to stop' });
      const before = Buffer.concat(received).length;
      assert.ok(before < data.length, 'not everything was read while buffers were held');
      assert.ok(before <= 3 * 1024 * 1024, `held at most the budget: ${before}`);
      holding = false;
      for (const release of held.splice(0)) release();
      await waitFor(() => reader.ended, { what: 'the end of the pipe' });
      assert.ok(Buffer.concat(received).equals(data));
    } finally {
      temp.remove();
    }
  });
}
