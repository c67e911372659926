// Issue 13, bug 2: a state dir supd cannot use is a clear error naming the path, its owner
// and mode (exit 1), never a Node stack trace; a dir owned by another user is refused.
// Issue 13, bug 3: SUPD_DETACHED_CHILD stays out of the children's environment.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir, withTempDir, type TempDir } from '../helpers/temp.js';
import { isRoot, testUser } from '../helpers/test-user.js';
import { waitFor } from '../helpers/wait-for.js';

const user = testUser();
const skipUser = typeof user === 'string' ? user : false;

// Makes a temp dir one the test user can enter, with a logs dir it can write.
function share(temp: TempDir): void {
  chmodSync(temp.dir, 0o755);
  const logs = path.join(temp.dir, 'logs');
  mkdirSync(logs);
  if (typeof user !== 'string') chownSync(logs, user.uid, user.gid);
}

test("another user on someone's 0700 state dir: refused with the path, owner and mode, no stack trace", { skip: skipUser }, async () => {
  await withTempDir(async (temp) => {
    share(temp);
    const stateDir = path.join(temp.dir, '.supd');
    mkdirSync(stateDir, { mode: 0o700 });
    const config = temp.write('daemons.toml', '[programs.web]\ncommand = ["sleep", "1000"]\n');
    chmodSync(config, 0o644);
    const run = await runCli(['run', '-c', config], { cwd: temp.dir, wrapper: (user as Exclude<typeof user, string>).wrapper, timeoutMs: 15_000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`state dir ${stateDir.replaceAll('.', '\\.')} belongs to root \\(uid 0\\), mode 0700, not to supdtest`));
    assert.doesNotMatch(run.stderr, /\n\s+at |EACCES/, 'no stack trace');
  });
});

test('a state dir that cannot be created: the path, its parent\'s owner and mode', { skip: skipUser }, async () => {
  await withTempDir(async (temp) => {
    share(temp);
    const config = temp.write('daemons.toml', '[programs.web]\ncommand = ["sleep", "1000"]\n');
    chmodSync(config, 0o644);
    const run = await runCli(['run', '-c', config], { cwd: temp.dir, wrapper: (user as Exclude<typeof user, string>).wrapper, timeoutMs: 15_000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /cannot create the state dir .*\.supd: permission denied \(.* owned by root \(uid 0\), mode 0755\); supd runs as supdtest/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });
});

test('a 0755 state dir owned by another user is refused like a shared one', { skip: isRoot ? false : 'SKIP: chown to another user needs root' }, async () => {
  await withTempDir(async (temp) => {
    const stateDir = path.join(temp.dir, '.supd');
    mkdirSync(stateDir, { mode: 0o755 });
    chownSync(stateDir, 65534, 65534);
    const config = temp.write('daemons.toml', '[programs.web]\ncommand = ["sleep", "1000"]\n');
    const run = await runCli(['run', '-c', config], { cwd: temp.dir, timeoutMs: 15_000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /state dir .*\.supd belongs to nobody \(uid 65534\), mode 0755, not to root/);
  });
});

test('SUPD_DETACHED_CHILD is not in the environment of a child of `run -d`', async () => {
  const temp = makeTempDir();
  const config = temp.write('daemons.toml', '[programs.env]\ncommand = ["sh", "-c", "env; exec sleep 1000"]\n');
  try {
    const run = await runCli(['run', '-d', '-c', config], { cwd: temp.dir, env: { ...process.env, SUPD_TEST_DIR: temp.dir } });
    assert.equal(run.code, 0, run.stderr);
    const env = await waitFor(() => {
      try {
        const text = readFileSync(path.join(temp.dir, 'logs', 'env-0.out.log'), 'utf8');
        return text.includes('SUPD_NAME=') ? text : null;
      } catch {
        return null;
      }
    }, { what: 'the child to print its environment' });
    assert.match(env, /^SUPD_TEST_DIR=/m, 'supd\'s own environment is there');
    assert.doesNotMatch(env, /SUPD_DETACHED_CHILD/);
  } finally {
    await runCli(['shutdown', '-c', config], { cwd: temp.dir });
    temp.remove();
  }
});
