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
      const chunks: Buffer[] = [];
      const reader = readPipe(child.stdout, (chunk, release) => (received.push(Buffer.from(chunk)), chunks.push(chunk), setImmediate(release)), { reuseBuffers });
      await waitFor(() => reader.ended, { what: 'the end of the pipe' });
      assert.equal(dataEvents, chunks.length, 'other data listeners see every read');
      // The fast path copies a long read (64 KiB or more: a flood) into one of a few (at most 8)
      // reused 256 KiB slots and a short one into a buffer of its own; 'data' events get a fresh
      // buffer for each read (64 KiB at most, from Node).
      const long = chunks.filter((c) => c.length >= 64 * 1024);
      const slots = new Set(long.map((c) => c.buffer));
      const inSlots = long.length > slots.size && slots.size <= 8 && [...slots].every((b) => b.byteLength === 256 * 1024);
      const shortOwn = chunks.filter((c) => c.length < 64 * 1024).every((c) => c.buffer.byteLength !== 256 * 1024);
      return { bytes: Buffer.concat(received), fast: inSlots && shortOwn };
    };
    const fast = await read(true);
    const slow = await read(false);
    assert.ok(fast.bytes.equals(data), 'the fast path delivers every byte in order');
    assert.ok(slow.bytes.equals(data), 'the public path delivers every byte in order');
    assert.equal(fast.fast, true, 'the fast path read a flood into its few reused slots, short reads into their own buffers');
    assert.equal(slow.fast, false, 'the public path read into fresh buffers');
  } finally {
    temp.remove();
  }
});

test("a chatty child's short reads get buffers of their own size, not 256 KiB slots", async () => {
  const child = spawn('sh', ['-c', 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.02; done'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const received: Buffer[] = [];
  const sizes = new Set<number>();
  const reader = readPipe(child.stdout, (chunk, release) => (received.push(Buffer.from(chunk)), sizes.add(chunk.buffer.byteLength), setImmediate(release)));
  await waitFor(() => reader.ended, { what: 'the end of the pipe' });
  assert.equal(Buffer.concat(received).toString(), [1, 2, 3, 4, 5, 6].map((i) => `line ${i}\n`).join(''));
  assert.ok(received.length >= 2, `several reads: ${received.length}`);
  assert.ok(!sizes.has(256 * 1024), `no read in a 256 KiB slot: ${[...sizes].join(', ')}`);
});
