// Issue 14, bug 7: with `user = "nobody"` the command is looked up on the child's own PATH and
// checked against what nobody may execute (root's access(2) says yes to nearly all); an exec
// failure always has a reason in status. Issue 13: `supd check` warns about what will fail at
// start (users, groups, commands, cwd); --strict makes the warnings errors.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';
import { isRoot, testUser } from '../helpers/test-user.js';
import { waitFor } from '../helpers/wait-for.js';

const asRoot = isRoot ? false : 'SKIP: user switching needs supd to run as root (CI runs as root)';

// <dir>/private (0700, root's) and <dir>/public (0755), each with an executable `tool`.
function tools(dir: string, which: Array<'private' | 'public'>): { privateDir: string; publicDir: string } {
  chmodSync(dir, 0o755);
  const privateDir = path.join(dir, 'private');
  const publicDir = path.join(dir, 'public');
  mkdirSync(privateDir, { mode: 0o700 });
  mkdirSync(publicDir, { mode: 0o755 });
  for (const where of which) {
    const file = path.join(where === 'private' ? privateDir : publicDir, 'tool');
    writeFileSync(file, `#!/bin/sh\necho ${where} tool as $(id -un)\nexec sleep 1000\n`);
    chmodSync(file, 0o755);
  }
  return { privateDir, publicDir };
}


test('user = "nobody": a command on PATH that nobody cannot reach is skipped for one it can run', { skip: asRoot }, async () => {
  await withSupd('[programs.web]\ncommand = "true"\nautostart = false\n', async (supd) => {
    const { privateDir, publicDir } = tools(supd.dir, ['private', 'public']);
    supd.temp.write(
      'daemons.toml',
      `[programs.tool]\ncommand = "tool"\nuser = "nobody"\nstart_secs = "0"\nenv = { PATH = "${privateDir}:${publicDir}:/usr/bin:/bin" }\n`,
    );
    assert.equal((await supd.cli('reload')).code, 0);
    await supd.waitForState('tool:0', 'running');
    const out = await waitFor(() => {
      try {
        return readFileSync(path.join(supd.dir, 'logs', 'tool-0.out.log'), 'utf8') || null;
      } catch {
        return null;
      }
    }, { what: 'the tool to print' });
    assert.equal(out, 'public tool as nobody\n');
  });
});

test('user = "nobody": a command only nobody cannot run is a failed start whose reason names the directory, owner and mode', { skip: asRoot }, async () => {
  await withSupd('[programs.web]\ncommand = "true"\nautostart = false\n', async (supd) => {
    const { privateDir } = tools(supd.dir, ['private']);
    const config = supd.temp.write(
      'daemons.toml',
      `[programs.tool]\ncommand = "tool"\nuser = "nobody"\nbackoff = { initial = "5s" }\nenv = { PATH = "${privateDir}:/usr/bin:/bin" }\n`,
    );
    assert.equal((await supd.cli('reload')).code, 0);
    const proc = await supd.waitForState('tool:0', (p) => p.state === 'backoff' && p.reason !== null);
    assert.match(proc.reason!, new RegExp(`nobody may not enter ${privateDir} \\(owner root, mode 0700\\)`));
    const check = await runCli(['check', '-c', config]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /^warning: programs\.tool\.command: nobody may not enter .*private \(owner root, mode 0700\) \(as nobody, on its PATH\)$/m);
  });
});

test('an exec that fails after the spawn (a missing interpreter) has a reason in status, not a bare exit 127', async () => {
  const temp = makeTempDir();
  const script = temp.write('broken.sh', '#!/nonexistent/interpreter\n');
  chmodSync(script, 0o755);
  await withSupd(`[programs.broken]\ncommand = "${script}"\nbackoff = { initial = "5s" }\n`, { reuse: temp }, async (supd) => {
    const proc = await supd.waitForState('broken:0', (p) => p.state === 'backoff' && p.exit_code !== null);
    assert.equal(proc.exit_code, 127);
    // What the exec said on stderr (setpriv's or sh's), else what exit 127 means: never a bare code.
    assert.match(proc.reason ?? '', /^exit 127: .*(No such file|not found)/);
  });
});

test('supd check warns about a missing user, group, command and cwd (exit 0); --strict makes them errors (exit 2)', async () => {
  await withTempDir(async (temp) => {
    const config = temp.write(
      'daemons.toml',
      `
[programs.web]
command = "no-such-command-13 --port 80"
cwd = "missing-{index}"
processes = 2

[programs.who]
command = "sleep 1"
user = "no-such-user-13"

[programs.grp]
command = "sleep 1"
group = "no-such-group-13"
`,
    );
    const check = await runCli(['check', '-c', config]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout, 'ok: 3 programs, 4 processes\n');
    assert.match(check.stderr, /^warning: programs\.web\.command: command not found: no-such-command-13 \(PATH=/m);
    assert.match(check.stderr, /^warning: programs\.web\.cwd: does not exist: .*missing-0$/m);
    assert.match(check.stderr, /^warning: programs\.web\.cwd: does not exist: .*missing-1$/m);
    assert.match(check.stderr, /^warning: programs\.who\.user: no such user: no-such-user-13/m);
    assert.match(check.stderr, /^warning: programs\.grp\.group: no such group: no-such-group-13/m);
    const strict = await runCli(['check', '--strict', '-c', config]);
    assert.equal(strict.code, 2);
    assert.equal(strict.stdout, '');
    assert.match(strict.stderr, /^error: programs\.who\.user: no such user/m);
  });
});

test('supd check as an ordinary user warns that another user needs root', { skip: typeof testUser() === 'string' ? (testUser() as string) : false }, async () => {
  const user = testUser() as Exclude<ReturnType<typeof testUser>, string>;
  await withTempDir(async (temp) => {
    chmodSync(temp.dir, 0o755);
    mkdirSync(path.join(temp.dir, 'logs'));
    chownSync(path.join(temp.dir, 'logs'), user.uid, user.gid);
    const config = temp.write('daemons.toml', '[programs.web]\ncommand = "sleep 1"\nuser = "nobody"\n');
    chmodSync(config, 0o644);
    const check = await runCli(['check', '-c', config], { wrapper: user.wrapper });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stderr, /^warning: programs\.web\.user: cannot run as nobody: supd runs as uid \d+, not root \(supd will run as you\)$/m);
  });
});
