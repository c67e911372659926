// Issue 14 bug 3: a log location supd cannot write is said, never a silent loss: check fails
// (exit 2), run and run -d refuse to start (exit 1), a reload there is refused and keeps the old.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { withTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const web = `
[programs.web]
command = [${node}, "${BIN}/forever.js"]
start_secs = "200ms"
`;
const asRoot = process.getuid?.() === 0 ? false : 'needs root to run supd check as another user (nobody)';

describe('log locations', () => {
  test('check, run and run -d refuse a log_dir or log file that cannot be written, naming the path and why', async () => {
    await withTempDir(async (temp) => {
      temp.write('blocker', 'a file where a directory should be\n');
      const cases = [
        { config: `[supervisor]\nlog_dir = "blocker/logs"\n${web}`, key: 'supervisor.log_dir', file: path.join(temp.dir, 'blocker/logs/supd.log') },
        { config: `${web}stdout = { file = "blocker/web.log" }\n`, key: 'programs.web.stdout', file: path.join(temp.dir, 'blocker/web.log') },
      ];
      for (const { config, key, file } of cases) {
        const toml = temp.write('daemons.toml', config);
        const check = await runCli(['check', '-c', toml]);
        assert.equal(check.code, 2, `${key}: ${check.stdout}`);
        assert.ok(check.stderr.includes(`${key}: cannot write the log file ${file}: ${path.join(temp.dir, 'blocker')} is not a directory`), check.stderr);
        for (const args of [['run'], ['run', '-d']]) {
          const run = await runCli([...args, '-c', toml], { timeoutMs: 20_000 });
          assert.equal(run.code, 1, `${args.join(' ')} ${key}: ${run.stdout}${run.stderr}`);
          assert.match(run.stderr, new RegExp(`${key.replace('.', '\\.')}: cannot write the log file`));
        }
      }
    });
  });

  test('check as a user who cannot create the log dir says permission denied with the owner and mode', { skip: asRoot }, async () => {
    await withTempDir(async (temp) => {
      chmodSync(temp.dir, 0o755);
      const toml = temp.write('daemons.toml', web);
      chmodSync(toml, 0o644);
      const check = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SUPD_BIN, 'check', '-c', toml], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(check.status, 2, check.stdout + check.stderr);
      assert.match(check.stderr, new RegExp(`supervisor\\.log_dir: cannot write the log file ${temp.dir}/logs/supd\\.log: permission denied \\(EACCES\\) on ${temp.dir} \\(owner uid 0, mode 0755\\)`));
    });
  });

  test('a reload to a log location supd cannot write is refused, exit 2, and the old one stays', async () => {
    await withSupd(web, async (supd) => {
      const before = await supd.waitForState('web:0', 'running');
      writeFileSync(path.join(supd.dir, 'blocker'), 'x\n');
      writeFileSync(supd.config, `[supervisor]\nlog_dir = "blocker/logs"\n${web}`);
      const reload = await supd.cli('reload');
      assert.equal(reload.code, 2, reload.stdout);
      assert.match(reload.stderr, /reload refused: /);
      assert.match(reload.stderr, /supervisor\.log_dir: cannot write the log file .*blocker\/logs\/supd\.log: .*blocker is not a directory/);
      assert.equal((await supd.proc('web:0')).pid, before.pid);
      await waitFor(() => /reload refused: \d+ log locations supd cannot write; the old log locations stay/.test(supd.supdLog()), { what: 'the refusal in the old supd.log' });
      mkdirSync(path.join(supd.dir, 'elsewhere'));
      writeFileSync(supd.config, `[supervisor]\nlog_dir = "elsewhere"\n${web}`);
      const moved = await supd.cli('reload');
      assert.equal(moved.code, 0, moved.stderr);
      await waitFor(() => existsSync(path.join(supd.dir, 'elsewhere', 'supd.log')), { what: 'supd.log in the new place' });
    });
  });

  test('a log file that fails at run time puts the reason in status and raises an alert', async () => {
    await withSupd(`
[programs.talk]
command = ["/bin/sh", "-c", "while true; do echo line; sleep 0.1; done"]
start_secs = "200ms"
stdout = { file = "out/talk.log" }
[alerts]
to = ["ops@example.com"]
file = "alerts.txt"
`, async (supd) => {
      await supd.waitForState('talk:0', 'running');
      rmSync(path.join(supd.dir, 'out'), { recursive: true, force: true });
      writeFileSync(path.join(supd.dir, 'out'), 'a file where the log dir was\n');
      supd.child.kill('SIGUSR2');
      const talk = await supd.waitForState('talk:0', (p) => p.reason !== null, 10_000);
      assert.equal(talk.state, 'running');
      assert.match(talk.reason!, /^output lost: cannot open .*out\/talk\.log: EEXIST/);
      const alert = await waitFor(() => {
        const file = path.join(supd.dir, 'alerts.txt');
        return existsSync(file) && /log error\s+talk:0\s+cannot open/.test(readFileSync(file, 'utf8')) ? readFileSync(file, 'utf8') : null;
      }, { what: 'the alert' });
      assert.match(alert, /supd alert on .*: log error talk:0/);
    });
  });
});
