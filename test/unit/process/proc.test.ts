import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { readTreeMemory, readTreePids, readTreeRss } from '../../../src/process/proc.js';

test('readTreeMemory: RSS and PSS of a tree (PSS <= RSS); readTreeRss agrees with its RSS; a gone pid is null', async () => {
  const child = spawn('sleep', ['100'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    assert.ok(readTreePids(process.pid).includes(child.pid!));
    const tree = readTreeMemory(process.pid);
    assert.ok(tree !== null && tree.pssBytes !== null);
    assert.ok(tree.pssBytes > 1_000_000 && tree.pssBytes <= tree.rssBytes, `pss ${tree.pssBytes} rss ${tree.rssBytes}`);
    const rss = readTreeRss(process.pid)!;
    assert.ok(Math.abs(rss - tree.rssBytes) < tree.rssBytes * 0.2, `statm ${rss} against smaps_rollup ${tree.rssBytes}: the page size is the kernel's`);
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(readTreeMemory(2 ** 22 + 1), null);
  assert.equal(readTreeRss(2 ** 22 + 1), null);
});
