import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAtOrAbove, isBelow, planTarget } from '../../../src/watch/target.js';

test('target: a plain path is that file or that directory with everything below', () => {
  const t = planTarget('/srv/app/src');
  assert.equal(t.base, '/srv/app/src');
  assert.equal(t.descend, true);
  assert.ok(t.pattern.test('/srv/app/src'));
  assert.ok(t.pattern.test('/srv/app/src/a/b.js'));
  assert.ok(!t.pattern.test('/srv/app/srcx'));
});

test('target: a glob is watched from its literal directories, below them only when it must', () => {
  const json = planTarget('/srv/app/config/*.json');
  assert.deepEqual({ base: json.base, descend: json.descend }, { base: '/srv/app/config', descend: false });
  assert.ok(json.pattern.test('/srv/app/config/a.json'));
  assert.ok(!json.pattern.test('/srv/app/config/x/a.json'));
  const deep = planTarget('/srv/app/src/**/*.ts');
  assert.deepEqual({ base: deep.base, descend: deep.descend }, { base: '/srv/app/src', descend: true });
  const mid = planTarget('/srv/app/packages/*/index.js');
  assert.deepEqual({ base: mid.base, descend: mid.descend }, { base: '/srv/app/packages', descend: true });
});

test('target: isAtOrAbove and isBelow compare whole segments', () => {
  assert.ok(isAtOrAbove('/srv/app', '/srv/app/src'));
  assert.ok(isAtOrAbove('/srv/app/src', '/srv/app/src'));
  assert.ok(!isAtOrAbove('/srv/ap', '/srv/app/src'));
  assert.ok(!isAtOrAbove('/srv/app/src/a', '/srv/app/src'));
  assert.ok(isBelow('/srv/app/src/a', '/srv/app/src'));
  assert.ok(!isBelow('/srv/app/src', '/srv/app/src'));
  assert.ok(!isBelow('/srv/app/srcx', '/srv/app/src'));
});
