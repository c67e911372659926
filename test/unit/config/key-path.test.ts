import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinIndex, joinKey, parentKeyPath } from '../../../src/config/key-path.js';

test('bare keys join with dots, indices with brackets', () => {
  assert.equal(joinIndex(joinKey(joinKey('', 'programs'), 'web'), 2), 'programs.web[2]');
  assert.equal(joinKey('', 'a_b-1'), 'a_b-1');
});

test('other keys are quoted as TOML writes them', () => {
  assert.equal(joinKey('programs', 'web.server'), 'programs."web.server"');
  assert.equal(joinKey('', ''), '""');
  assert.equal(joinKey('env', 'say "hi"'), 'env."say \\"hi\\""');
  assert.equal(joinKey('env', 'клю'), 'env."клю"');
});

test('parentKeyPath steps over quoted keys and indices whole', () => {
  assert.equal(parentKeyPath('programs.web.args[1]'), 'programs.web.args');
  assert.equal(parentKeyPath('programs.web.args'), 'programs.web');
  assert.equal(parentKeyPath('programs."web.server"'), 'programs');
  assert.equal(parentKeyPath('programs."a.b".methods'), 'programs."a.b"');
  assert.equal(parentKeyPath('env."say \\"x.y\\""'), 'env');
  assert.equal(parentKeyPath('a[0][1]'), 'a[0]');
  assert.equal(parentKeyPath('programs'), '');
  assert.equal(parentKeyPath('""'), '');
});
