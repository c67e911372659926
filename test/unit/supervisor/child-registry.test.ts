import assert from 'node:assert/strict';
import { chmodSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ChildRegistry, findSurvivors, parseRegistry } from '../../../src/supervisor/child-registry.js';
import { makeTempDir } from '../../helpers/temp.js';

test('the registry parses "pid starttime name" lines and skips junk', () => {
  assert.deepEqual(parseRegistry('12 345 web:0\nbad line\n13 346 app.mailer:1\n'), [
    { pid: 12, startTime: 345, name: 'web:0' },
    { pid: 13, startTime: 346, name: 'app.mailer:1' },
  ]);
});

test('a survivor is our own leader, or a leaderless group; never a reused pid', () => {
  const records = [
    { pid: 1, startTime: 100, name: 'same' },
    { pid: 2, startTime: 100, name: 'reused' },
    { pid: 3, startTime: 100, name: 'leaderless' },
    { pid: 4, startTime: 100, name: 'gone' },
  ];
  const startTimes: Record<number, number | null> = { 1: 100, 2: 999, 3: null, 4: null };
  const groups = new Set([1, 2, 3]);
  const survivors = findSurvivors(records, (pid) => startTimes[pid] ?? null, (pgid) => groups.has(pgid));
  assert.deepEqual(survivors.map((s) => s.name), ['same', 'leaderless']);
});

test('a registry file another user could have written is not read: writable by others, or a symbolic link', () => {
  const temp = makeTempDir();
  try {
    const registry = new ChildRegistry(temp.dir);
    const file = path.join(temp.dir, 'children');
    const distrusted: string[] = [];
    writeFileSync(file, '12 345 web:0\n', { mode: 0o600 });
    assert.deepEqual(registry.readPrevious((why) => distrusted.push(why)), [{ pid: 12, startTime: 345, name: 'web:0' }]);
    chmodSync(file, 0o666);
    assert.deepEqual(registry.readPrevious((why) => distrusted.push(why)), []);
    rmSync(file);
    writeFileSync(path.join(temp.dir, 'elsewhere'), '12 345 web:0\n', { mode: 0o600 });
    symlinkSync(path.join(temp.dir, 'elsewhere'), file);
    assert.deepEqual(registry.readPrevious((why) => distrusted.push(why)), []);
    assert.deepEqual(distrusted.map((why) => why.replace(temp.dir, 'DIR')), ['DIR/children (writable by others)', 'DIR/children, a symbolic link']);
  } finally {
    temp.remove();
  }
});
