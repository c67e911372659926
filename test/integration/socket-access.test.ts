// [supervisor] socket_group / socket_mode: members of the group may use a root supd's socket,
// the state dir follows (0750 with that group), nobody else gets in. Root only: the test
// creates a user and a group of its own and removes them after.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SUPD_BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';

const asRoot = process.getuid?.() === 0 ? false : 'needs root: it creates a user and a group and runs the CLI as them';
const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

test('socket_group and socket_mode let the group use the socket, and nobody else', { skip: asRoot }, async () => {
  const group = `supdg${process.pid}`;
  const user = `supdu${process.pid}`;
  execFileSync('groupadd', [group]);
  try {
    execFileSync('useradd', ['--no-create-home', '--gid', group, '--shell', '/usr/sbin/nologin', user]);
    const gid = Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);
    const temp = makeTempDir();
    chmodSync(temp.dir, 0o755);
    await withSupd(`[supervisor]\nsocket_group = "${group}"\nsocket_mode = "0660"\n[programs.one]\ncommand = ["sleep", "2147483640"]\n`, { reuse: temp }, async (supd) => {
      const stateDir = path.join(supd.dir, '.supd');
      const socket = path.join(stateDir, 'supd.sock');
      assert.deepEqual([octal(statSync(socket).mode), statSync(socket).gid], ['0660', gid], 'the socket');
      assert.deepEqual([octal(statSync(stateDir).mode), statSync(stateDir).gid], ['0750', gid], 'the state dir');
      const as = (who: string[]) =>
        spawnSync('setpriv', [...who, process.execPath, SUPD_BIN, 'status', '--socket', socket], { encoding: 'utf8', timeout: 20_000 });
      const member = as([`--reuid=${user}`, `--regid=${group}`, '--init-groups']);
      assert.equal(member.status, 0, `a member of ${group}: ${member.stderr}`);
      assert.match(member.stdout, /one:0\s+(starting|running)\s+\d+/);
      const stranger = as(['--reuid=65534', '--regid=65534', '--clear-groups']);
      assert.equal(stranger.status, 1, stranger.stdout);
      assert.ok(stranger.stderr.includes(`permission denied on ${socket}: its directory ${stateDir} is owned by root:${group}, mode 0750`), stranger.stderr);
    });
  } finally {
    spawnSync('userdel', [user]);
    spawnSync('groupdel', [group]);
  }
});

test('a socket_group that does not exist and a socket_mode that opens to others are config errors', async () => {
  await withTempDir(async (temp) => {
    const file = temp.write('daemons.toml', `[supervisor]\nsocket_group = "no-such-group-supd"\n[programs.one]\ncommand = "sleep 1"\n`);
    const check = await runCli(['check', '-c', file]);
    assert.equal(check.code, 2, check.stdout);
    assert.match(check.stderr, /supervisor\.socket_group: no such group: no-such-group-supd/);
    const run = await runCli(['run', '-c', file]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stderr, /supervisor\.socket_group: no such group: no-such-group-supd/);
    temp.write('daemons.toml', `[supervisor]\nsocket_mode = "0666"\n[programs.one]\ncommand = "sleep 1"\n`);
    const open = await runCli(['check', '-c', file]);
    assert.equal(open.code, 2);
    assert.match(open.stderr, /supervisor\.socket_mode: must be an octal mode for the owner and group only, like "0600" or "0660" \(others get nothing\) \(line 2\)/);
  });
});
