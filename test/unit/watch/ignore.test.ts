import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SupdConfig } from '../../../src/config/types.js';
import { compileIgnores, DEFAULT_IGNORES, isIgnored, ownPathRules } from '../../../src/watch/ignore.js';

const rules = compileIgnores(['*.tmp', 'tmp/', 'build/out', 'cache/**'], '/srv/app', []);
const ignored = (file: string, base = '/srv/app/src'): boolean => isIgnored(rules, base, file);

test('ignore: the defaults cover VCS dirs, node_modules and editor files at any depth below the watched path', () => {
  for (const name of ['.git', 'node_modules', '.hg', '.svn']) assert.ok(ignored(`/srv/app/src/${name}`) && ignored(`/srv/app/src/a/${name}/x/y`), name);
  for (const file of ['a.js.swp', '.a.js.swx', 'a.js.swo', 'a.js~', '.#a.js', '#a.js#', '4913']) assert.ok(ignored(`/srv/app/src/lib/${file}`), file);
  assert.ok(!ignored('/srv/app/src/lib/a.js'));
  assert.ok(!ignored('/srv/app/src/4913.js'));
  assert.ok(DEFAULT_IGNORES.includes('node_modules'));
});

test('ignore: name rules apply only below the watched path, so an explicit node_modules/x is watched', () => {
  assert.ok(!isIgnored(rules, '/srv/app/node_modules/lib', '/srv/app/node_modules/lib/index.js'));
  assert.ok(!isIgnored(rules, '/home/node_modules/app/src', '/home/node_modules/app/src/a.js'), 'ancestors above the watched path do not count');
  assert.ok(isIgnored(rules, '/srv/app/node_modules/lib', '/srv/app/node_modules/lib/node_modules/dep/x.js'));
});

test('ignore: user patterns: a name anywhere, a pattern with an inner slash from the config dir, with everything below', () => {
  assert.ok(ignored('/srv/app/src/deep/x.tmp'));
  assert.ok(ignored('/srv/app/src/deep/tmp/a.js'), 'a trailing slash does not anchor (as in .gitignore)');
  assert.ok(ignored('/srv/app/build/out', '/srv/app'));
  assert.ok(ignored('/srv/app/build/out/a.js', '/srv/app'));
  assert.ok(!ignored('/srv/app/build/other.js', '/srv/app'));
  assert.ok(!ignored('/srv/app/src/build/out/a.js'), 'build/out is anchored at the config dir');
  assert.ok(ignored('/srv/app/cache/a', '/srv/app'));
});

test('ignore: what supd writes itself (log dir, state dir, output files with {index} and rotations)', () => {
  const output = (file: string) => ({ file, maxSize: 1, intervalMs: null, keep: 1, compress: false, timestamps: false });
  const config = {
    supervisor: { logDir: '/srv/app/logs', stateDir: '/srv/app/.supd' },
    units: [{ stdout: output('/srv/app/web-{index}.log'), stderr: 'merge' }, { stdout: null, stderr: output('/srv/app/err.log') }],
  } as unknown as SupdConfig;
  const own = compileIgnores([], '/srv/app', ownPathRules(config));
  for (const file of ['/srv/app/logs/supd.log', '/srv/app/.supd/children', '/srv/app/web-0.log', '/srv/app/web-12.log.1.gz', '/srv/app/err.log']) {
    assert.ok(isIgnored(own, '/srv/app', file), file);
  }
  assert.ok(!isIgnored(own, '/srv/app', '/srv/app/web.js'));
  assert.ok(!isIgnored(own, '/srv/app', '/srv/app/logsx/a'));
});
