import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findGroupOrSessionMembers, readCpuTicks, readStartTime, readTreeMemory, readTreePids, readTreeRss } from '../../../src/process/proc.js';

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

test('stat fields are read after the command name, even one holding spaces and parentheses', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'supd-proc-'));
  const odd = path.join(dir, 'a) b (c');
  copyFileSync('/bin/sleep', odd);
  chmodSync(odd, 0o755);
  const child = spawn(odd, ['100'], { stdio: 'ignore', detached: true });
  try {
    await new Promise((resolve) => child.once('spawn', resolve));
    const start = readStartTime(child.pid!);
    assert.ok(start !== null && start >= readStartTime(process.pid)!, `start ${start}`);
    assert.deepEqual(findGroupOrSessionMembers(child.pid!), [child.pid], 'a detached child leads its own session and group');
    const ticks = readCpuTicks(process.pid);
    assert.ok(ticks !== null && ticks > 0, `cpu ticks ${ticks}`);
    assert.equal(readCpuTicks(child.pid!), 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(readStartTime(2 ** 22 + 1), null);
  assert.equal(readCpuTicks(2 ** 22 + 1), null);
});
