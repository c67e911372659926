// Issue 13: an unknown key that a supervisord, PM2, systemd or compose user would write gets
// the key that does its job here, not just the nearest spelling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { withTempDir } from '../helpers/temp.js';

const CASES: Record<string, string> = {
  directory: 'cwd',
  working_dir: 'cwd',
  WorkingDirectory: 'cwd',
  environment: 'env',
  Environment: 'env',
  numprocs: 'processes',
  instances: 'processes',
  autorestart: 'restart',
  Restart: 'restart',
  startsecs: 'start_secs',
  stopsignal: 'stop_signal',
  stopwaitsecs: 'stop_timeout',
  kill_timeout: 'stop_timeout',
  max_memory_restart: 'max_memory',
  exitcodes: 'success_exit_codes',
  startretries: 'max_restarts',
  stdout_logfile: 'stdout',
  redirect_stderr: 'stderr',
  ExecStart: 'command',
  User: 'user',
  cron_restart: 'schedule',
};

test('keys from other supervisors are hinted with the key that does their job', async () => {
  await withTempDir(async (temp) => {
    const lines = Object.keys(CASES).map((key) => `${key} = "x"`);
    const config = temp.write('daemons.toml', `[programs.web]\ncommand = "sleep 1"\n${lines.join('\n')}\n`);
    const run = await runCli(['check', '-c', config]);
    assert.equal(run.code, 2);
    for (const [key, ours] of Object.entries(CASES)) {
      assert.match(run.stderr, new RegExp(`programs\\.web\\.${key}: unknown key \\(did you mean "${ours}"\\?`), `${key} -> ${ours}\n${run.stderr}`);
    }
    assert.match(run.stderr, /programs\.web\.redirect_stderr: unknown key \(did you mean "stderr"\? as in stderr = "merge"\)/);
  });
});

test('a hint is given only where its key belongs: numprocs in [supervisor] gets none', async () => {
  await withTempDir(async (temp) => {
    const config = temp.write('daemons.toml', '[supervisor]\nnumprocs = 2\n[programs.web]\ncommand = "sleep 1"\n');
    const run = await runCli(['check', '-c', config]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /supervisor\.numprocs: unknown key( \(line \d+\))?$/m);
  });
});
