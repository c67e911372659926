import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compileIgnores } from '../../../src/watch/ignore.js';
import { planTarget } from '../../../src/watch/target.js';
import { WatchSet } from '../../../src/watch/watch-set.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

// A WatchSet on a temp dir, recording what it reports. Events come in order (one inotify
// queue), so once a later write is seen, an earlier one that was not is not coming.
async function watchIn(files: Record<string, string>, paths: string[], ignore: string[] = []) {
  const temp = makeTempDir('supd-watch-');
  for (const [name, content] of Object.entries(files)) temp.write(name, content);
  const changes: string[] = [];
  const warnings: string[] = [];
  const set = new WatchSet({
    targets: paths.map((p) => planTarget(path.join(temp.dir, p))),
    ignore: compileIgnores(ignore, temp.dir, []),
    onChange: (file) => changes.push(path.relative(temp.dir, file)),
    onWarn: (message) => warnings.push(message),
  });
  await set.start();
  const seen = (rel: string) => waitFor(() => changes.includes(rel), { timeoutMs: 5000, what: `a change of ${rel} (seen: ${changes.join(' ')})` });
  const write = (rel: string) => temp.write(rel, String(Date.now()));
  const done = () => {
    set.close();
    temp.remove();
  };
  return { dir: temp.dir, set, changes, warnings, seen, write, done };
}

test('watch set: one watch per directory, ignored directories never entered, ignored files not reported', async () => {
  const w = await watchIn({ 'src/a/x.js': '', 'src/b/c/y.js': '', 'src/node_modules/m/n/z.js': '', 'src/.git/objects/o': '', 'src/tmp/t': '' }, ['src'], ['tmp']);
  try {
    assert.equal(w.set.size, 5, 'src, src/a, src/b, src/b/c and the parent of src');
    w.write('src/node_modules/m/n/z.js');
    w.write('src/a/x.js.swp');
    w.write('src/a/4913');
    w.write('src/tmp/t');
    w.write('src/b/c/y.js');
    await w.seen('src/b/c/y.js');
    assert.deepEqual(w.changes.filter((c) => c !== 'src/b/c/y.js'), []);
    assert.deepEqual(w.warnings, []);
  } finally {
    w.done();
  }
});

test('watch set: new directories are followed, removed ones released', async () => {
  const w = await watchIn({ 'src/keep.js': '' }, ['src']);
  try {
    mkdirSync(path.join(w.dir, 'src/n1/n2'), { recursive: true });
    w.write('src/n1/n2/first.js');
    await w.seen('src/n1/n2/first.js');
    await waitFor(() => w.set.size === 4, { what: 'src/n1 and src/n1/n2 watched' });
    w.write('src/n1/n2/later.js');
    await w.seen('src/n1/n2/later.js');
    rmSync(path.join(w.dir, 'src/n1'), { recursive: true });
    await waitFor(() => w.set.size === 2, { what: 'src/n1 and below released' });
  } finally {
    w.done();
  }
});

test('watch set: a path that does not exist is watched for its creation, with a warning, again after it goes', async () => {
  const w = await watchIn({}, ['later/conf.json', 'config/*.json']);
  try {
    assert.equal(w.warnings.length, 2);
    assert.ok(w.warnings.some((m) => /later\/conf\.json does not exist; watching .* for its creation/.test(m)), w.warnings.join('\n'));
    mkdirSync(path.join(w.dir, 'later'));
    w.write('later/conf.json');
    await w.seen('later/conf.json');
    w.write('config/a.json');
    await w.seen('config/a.json');
    rmSync(path.join(w.dir, 'later'), { recursive: true });
    await waitFor(() => w.warnings.length === 3, { what: 'a warning that later/conf.json is gone' });
    w.changes.length = 0;
    w.write('later/conf.json');
    await w.seen('later/conf.json');
  } finally {
    w.done();
  }
});

test('watch set: a file replaced by rename (editors, deploys) and a swapped symlink are both seen', async () => {
  const w = await watchIn({ 'conf/app.json': '1', 'releases/1/a.js': '', 'releases/2/a.js': '' }, ['conf/app.json', 'current']);
  symlinkSync(path.join(w.dir, 'releases/1'), path.join(w.dir, 'current'));
  try {
    await w.seen('current');
    w.write('conf/app.json.tmp');
    renameSync(path.join(w.dir, 'conf/app.json.tmp'), path.join(w.dir, 'conf/app.json'));
    await w.seen('conf/app.json');
    w.write('current/b.js');
    await w.seen('current/b.js');
    w.changes.length = 0;
    symlinkSync(path.join(w.dir, 'releases/2'), path.join(w.dir, 'current.new'));
    renameSync(path.join(w.dir, 'current.new'), path.join(w.dir, 'current'));
    await waitFor(() => w.changes.includes('current/a.js'), { what: 'the new release reported' });
    w.changes.length = 0;
    w.write('releases/1/old.js');
    w.write('releases/2/new.js');
    await w.seen('current/new.js');
    assert.ok(!w.changes.includes('current/old.js'), 'the old release is no longer watched');
  } finally {
    w.done();
  }
});
