import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGlob, escapeGlob, globBase, hasGlob } from '../../../src/watch/glob.js';

const matches = (glob: string, path: string): boolean => compileGlob(glob).test(path);

test('glob: * and ? stay within one segment', () => {
  assert.ok(matches('/a/*.json', '/a/app.json'));
  assert.ok(matches('/a/*.json', '/a/.hidden.json'), 'a leading dot is an ordinary character');
  assert.ok(!matches('/a/*.json', '/a/sub/app.json'));
  assert.ok(!matches('/a/*.json', '/a/app.json5'));
  assert.ok(matches('/a/?.js', '/a/x.js'));
  assert.ok(!matches('/a/?.js', '/a/xy.js'));
  assert.ok(!matches('/a?b', '/a/b'), '? never matches a slash');
});

test('glob: ** spans any number of segments, zero included', () => {
  assert.ok(matches('/src/**/*.ts', '/src/a.ts'));
  assert.ok(matches('/src/**/*.ts', '/src/x/y/a.ts'));
  assert.ok(!matches('/src/**/*.ts', '/other/a.ts'));
  assert.ok(matches('/src/**', '/src'), 'dir/** matches dir itself');
  assert.ok(matches('/src/**', '/src/x/y'));
  assert.ok(!matches('/src/**', '/srcx'));
  assert.ok(matches('**/x', 'x'));
  assert.ok(matches('**/x', 'a/b/x'));
  assert.ok(!matches('/a**b', '/a/b'), '** inside a segment is two stars');
});

test('glob: classes, negation, braces and escapes', () => {
  assert.ok(matches('/[ab].js', '/a.js'));
  assert.ok(!matches('/[ab].js', '/c.js'));
  assert.ok(matches('/[a-c].js', '/b.js'));
  assert.ok(matches('/[!ab].js', '/c.js'));
  assert.ok(!matches('/[!ab].js', '/a.js'));
  assert.ok(!matches('/x[!a]y', '/x/y'), 'a negated class never matches a slash');
  assert.ok(matches('/[]].js', '/].js'), '] first is a member');
  assert.ok(matches('/a.{js,ts}', '/a.ts'));
  assert.ok(matches('/a.{js,{c,m}ts}', '/a.mts'), 'nested braces');
  assert.ok(!matches('/a.{js,ts}', '/a.css'));
  assert.ok(matches('/a\\*b', '/a*b'));
  assert.ok(!matches('/a\\*b', '/axb'));
  assert.ok(matches('/a[b', '/a[b'), 'an unclosed [ is literal');
  assert.ok(matches('/a{b', '/a{b'), 'an unclosed { is literal');
  assert.ok(matches('/a.b+c(d)$', '/a.b+c(d)$'), 'regex characters are literal');
  assert.ok(!matches('/a.b', '/axb'));
});

test('glob: hasGlob, globBase, escapeGlob', () => {
  assert.equal(hasGlob('/srv/app/src'), false);
  assert.equal(hasGlob('/srv/config/*.json'), true);
  assert.equal(hasGlob('/srv/a\\*b'), false, 'escaped');
  assert.equal(globBase('/srv/config/*.json'), '/srv/config');
  assert.equal(globBase('/srv/*/src/**'), '/srv');
  assert.equal(globBase('/*.js'), '/');
  assert.equal(globBase('/srv/a\\[1\\]/*.js'), '/srv/a[1]', 'unescaped');
  const odd = '/srv/we{i}rd[1]*?';
  assert.ok(compileGlob(escapeGlob(odd)).test(odd));
  assert.ok(!compileGlob(escapeGlob(odd)).test('/srv/weird1x'));
});
