import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { checkReadPath, chooseReadPath, currentReadPath, readPipe } from '../../../src/logs/pipe-reader.js';
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

test(`the check at start finds the fast path usable on this Node (${process.version})`, () => {
  const check = checkReadPath();
  assert.deepEqual(check, { path: 'reused buffers', problem: null });
  const lines: string[] = [];
  assert.equal(chooseReadPath({ debug: (m) => lines.push(`debug ${m}`), warn: (m) => lines.push(`warn ${m}`) }, check), 'reused buffers');
  assert.deepEqual(lines, [`debug pipe reader: reused 256 KiB buffers (net.Socket's onread mode) on Node ${process.version}`]);
  assert.equal(currentReadPath(), 'reused buffers');
});

test('a Node whose sockets differ: the check says why, supd.log says so once, and pipes are read through data events', async () => {
  const plain = (): Readable => new PassThrough();
  const noSymbols = checkReadPath(() => ({ onread: plain(), pipe: plain() }));
  assert.equal(noSymbols.path, 'data events');
  assert.match(noSymbols.problem!, /no kBuffer\/kBufferCb\/kBufferGen/);
  const failing = checkReadPath(() => {
    throw new Error('boom');
  });
  assert.equal(failing.path, 'data events');
  assert.match(failing.problem!, /boom/);
  const lines: string[] = [];
  try {
    chooseReadPath({ debug: (m) => lines.push(`debug ${m}`), warn: (m) => lines.push(`warn ${m}`) }, noSymbols);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^warn pipe reader: Node v\d+.*differs from what the fast path expects \(net.Socket has no .*'data' events/);
    const child = spawn('printf', ['one\ntwo\n'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const received: Buffer[] = [];
    const reader = readPipe(child.stdout, (chunk, release) => (received.push(Buffer.from(chunk)), release()));
    await waitFor(() => reader.ended, { what: 'the end of the pipe' });
    assert.equal(Buffer.concat(received).toString(), 'one\ntwo\n');
    assert.equal(lines.length, 1, 'the pipe is read the public way without another line');
  } finally {
    chooseReadPath({ debug: () => undefined, warn: () => undefined });
  }
});

test('both paths deliver the same bytes from one child output', async () => {
  const temp = makeTempDir();
  try {
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 97)}\n`).join(''));
    const file = temp.write('in.txt', data.toString());
    const read = async (reuseBuffers: boolean): Promise<{ bytes: Buffer; fast: boolean }> => {
      const child = spawn('cat', [path.resolve(file)], { stdio: ['ignore', 'pipe', 'ignore'] });
      let dataEvents = 0;
      child.stdout.on('data', () => dataEvents++);
      const received: Buffer[] = [];
      const backing = new Set<ArrayBufferLike>();
      let chunks = 0;
      const reader = readPipe(child.stdout, (chunk, release) => (received.push(Buffer.from(chunk)), backing.add(chunk.buffer), chunks++, setImmediate(release)), { reuseBuffers });
      await waitFor(() => reader.ended, { what: 'the end of the pipe' });
      assert.equal(dataEvents, chunks, 'other data listeners see every read');
      // The fast path reads into the same few (at most 8) 256 KiB slots; 'data' events get a fresh buffer for each read.
      const slots = [...backing].every((b) => b.byteLength === 256 * 1024) && backing.size <= 8;
      return { bytes: Buffer.concat(received), fast: chunks > backing.size && slots };
    };
    const fast = await read(true);
    const slow = await read(false);
    assert.ok(fast.bytes.equals(data), 'the fast path delivers every byte in order');
    assert.ok(slow.bytes.equals(data), 'the public path delivers every byte in order');
    assert.equal(fast.fast, true, 'the fast path read into its few reused slots');
    assert.equal(slow.fast, false, 'the public path read into fresh buffers');
  } finally {
    temp.remove();
  }
});
