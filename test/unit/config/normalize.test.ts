// Normalization rules, each asserted so that dropping the rule fails a test.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import { normalizeConfig } from '../../../src/config/normalize.js';
import { countProcesses } from '../../../src/config/types.js';
import { parse, problemsOf, unitOf, web } from '../../helpers/config.js';
import { makeTempDir } from '../../helpers/temp.js';

// normalizeConfig alone, without the schema and cross-checks in front.
function normalizeRaw(raw: Record<string, unknown>, files: Record<string, string> = {}): ReturnType<typeof normalizeConfig> {
  const readTextFile = (file: string): string => {
    if (files[file] === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return files[file];
  };
  return normalizeConfig(raw, { file: '/abs/dir/daemons.toml', readTextFile });
}

test('every default from SPEC section 3 is applied to a bare program', () => {
  const unit = unitOf(parse('[programs.web]\ncommand = "node web.js"\n'), 'web');
  assert.deepEqual(unit, {
    name: 'web',
    program: 'web',
    method: null,
    argv: ['node', 'web.js'],
    processes: 1,
    autostart: true,
    restart: 'always',
    successExitCodes: [0],
    startSecsMs: 1000,
    backoff: { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.1 },
    maxRestarts: 0,
    restartWindowMs: 60_000,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: 10_000,
    killMode: 'mixed',
    user: null,
    group: null,
    cwd: '/abs/dir',
    umask: null,
    env: {},
    envFiles: [],
    clearEnv: false,
    stdout: { file: '/abs/dir/logs/web-{index}.out.log', maxSize: 10 * 1024 ** 2, intervalMs: null, keep: 10, compress: true, timestamps: false },
    stderr: { file: '/abs/dir/logs/web-{index}.err.log', maxSize: 10 * 1024 ** 2, intervalMs: null, keep: 10, compress: true, timestamps: false },
    watch: null,
    ready: null,
    health: null,
    maxMemory: null,
    dependsOn: [],
    hooks: null,
    schedule: null,
    timezone: null,
    timeoutMs: null,
    restartStrategy: 'all',
    console: { stdout: false, stderr: false },
    essential: false,
    limits: null,
    nice: null,
    oomScoreAdj: null,
    sockets: [],
  });
});

test('[supervisor] defaults: state and logs beside the config file', () => {
  assert.deepEqual(parse('').supervisor, {
    stateDir: '/abs/dir/.supd',
    socket: '/abs/dir/.supd/supd.sock',
    pidfile: '/abs/dir/.supd/supd.pid',
    socketGroup: null,
    socketMode: 0o600,
    logDir: '/abs/dir/logs',
    logLevel: 'info',
    shutdownTimeoutMs: 30_000,
    logFormat: 'text',
    log: { maxSize: 10 * 1024 ** 2, intervalMs: null, keep: 10, compress: true },
    http: null,
  });
});

test('inheritance: [defaults] -> program -> method, each level overriding the one above', () => {
  const config = parse(`
[defaults]
restart = "never"
stop_timeout = "5s"
kill_group = false
processes = 4

[programs.web]
command = "a"
restart = "on-failure"

[programs.app]
command = "b"
stop_timeout = "7s"
processes = 2

[programs.app.methods.mailer]
stop_timeout = "9s"

[programs.app.methods.importer]
processes = 0
`);
  const pick = (name: string): unknown => {
    const u = unitOf(config, name);
    return [u.restart, u.stopTimeoutMs, u.killMode, u.processes];
  };
  assert.deepEqual(pick('web'), ['on-failure', 5000, 'process', 4]);
  assert.deepEqual(pick('app.mailer'), ['never', 9000, 'process', 2]);
  assert.deepEqual(pick('app.importer'), ['never', 7000, 'process', 0]);
});

test('kill_mode: mixed by default; kill_group, its old name, still works (true = group, false = process); the nearer table wins whichever name it uses', () => {
  const config = parse(`
[defaults]
kill_group = true
[programs.old]
command = "a"
[programs.plain]
command = "b"
kill_mode = "process"
[programs.app]
command = "c"
kill_mode = "mixed"
[programs.app.methods.a]
kill_group = false
[programs.app.methods.b]
`);
  const modes = Object.fromEntries(config.units.map((u) => [u.name, u.killMode]));
  assert.deepEqual(modes, { old: 'group', plain: 'process', 'app.a': 'process', 'app.b': 'mixed' });
  assert.equal(unitOf(parse('[programs.x]\ncommand = "x"'), 'x').killMode, 'mixed');
});

test('inheritance: env merges key by key down the chain', () => {
  const config = parse(`
[defaults]
env = { A = "d", B = "d" }
[programs.app]
command = "x"
env = { B = "p", C = "p" }
[programs.app.methods.m]
env = { C = "m", D = "m" }
[programs.app.methods.n]
`);
  assert.deepEqual(unitOf(config, 'app.m').env, { A: 'd', B: 'p', C: 'm', D: 'm' });
  assert.deepEqual(unitOf(config, 'app.n').env, { A: 'd', B: 'p', C: 'p' });
});

test('inheritance: backoff merges key by key down the chain', () => {
  const config = parse(`
[defaults]
backoff = { initial = "2s", jitter = 0 }
[programs.app]
command = "x"
backoff = { max = "30s" }
[programs.app.methods.m]
backoff = { factor = 3, jitter = 0.5 }
`);
  assert.deepEqual(unitOf(config, 'app.m').backoff, { initialMs: 2000, maxMs: 30_000, factor: 3, jitter: 0.5 });
});

test('inheritance: hooks merge key by key (normalizeConfig alone: hooks are not built yet)', () => {
  const { config, problems } = normalizeRaw({
    defaults: { hooks: { before_start: 'check-disk', timeout: '5s' } },
    programs: { app: { command: 'x', hooks: { after_exit: ['notify', 'exit'] }, methods: { m: { hooks: { on_fatal: 'page me' } } } } },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(unitOf(config, 'app.m').hooks, {
    beforeStart: ['check-disk'],
    afterStart: null,
    afterExit: ['notify', 'exit'],
    onFatal: ['page', 'me'],
    timeoutMs: 5000,
  });
});

test('inheritance: other tables and arrays are replaced whole, not merged', () => {
  const config = parse(`
[defaults]
success_exit_codes = [0, 2]
env_file = []
[programs.web]
command = "x"
success_exit_codes = [3]
`);
  assert.deepEqual(unitOf(config, 'web').successExitCodes, [3]);
});

test('durations in every duration key become milliseconds', () => {
  const unit = unitOf(parse(web('start_secs = "250ms"\nstop_timeout = "5m"\nrestart_window = "1h"\nbackoff = { initial = 2, max = "1d" }')), 'web');
  assert.deepEqual([unit.startSecsMs, unit.stopTimeoutMs, unit.restartWindowMs, unit.backoff.initialMs, unit.backoff.maxMs], [250, 300_000, 3_600_000, 2000, 86_400_000]);
  assert.equal(unitOf(parse(web('start_secs = 1.5')), 'web').startSecsMs, 1500);
  assert.equal(unitOf(parse(web('start_secs = "1.5s"')), 'web').startSecsMs, 1500);
  assert.equal(parse('[supervisor]\nshutdown_timeout = "10s"\n').supervisor.shutdownTimeoutMs, 10_000);
});

test('sizes become bytes (normalizeConfig alone: max_memory and stdout are not built yet)', () => {
  const { config } = normalizeRaw({ programs: { web: { command: 'x', max_memory: '512K', stdout: { max_size: '10MiB' }, stderr: { max_size: 2048 } } } });
  const unit = unitOf(config, 'web');
  assert.equal(unit.maxMemory, 512 * 1024);
  assert.equal((unit.stdout as { maxSize: number }).maxSize, 10 * 1024 ** 2);
  assert.equal((unit.stderr as { maxSize: number }).maxSize, 2048);
  assert.equal(normalizeRaw({ supervisor: { log: { max_size: '1G' } } }).config.supervisor.log.maxSize, 1024 ** 3);
});

test('signal names are normalized to SIG...', () => {
  assert.equal(unitOf(parse(web('stop_signal = "TERM"')), 'web').stopSignal, 'SIGTERM');
  assert.equal(unitOf(parse(web('stop_signal = "QUIT"')), 'web').stopSignal, 'SIGQUIT');
  assert.equal(unitOf(parse(web('stop_signal = "SIGINT"')), 'web').stopSignal, 'SIGINT');
});

test('umask is an octal number', () => {
  assert.equal(unitOf(parse(web('umask = "027"')), 'web').umask, 0o027);
});

test('a command string is split like a shell; an array is taken as it is', () => {
  const config = parse(`
[programs.a]
command = "node  'my app.js' --name \\"a b\\""
[programs.b]
command = ["node", "my app.js", "--x=\\"y\\"", "a|b"]
`);
  assert.deepEqual(unitOf(config, 'a').argv, ['node', 'my app.js', '--name', 'a b']);
  assert.deepEqual(unitOf(config, 'b').argv, ['node', 'my app.js', '--x="y"', 'a|b']);
});

test('shell operators in a command string are refused at its key', () => {
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a && b"\n'), [
    'programs.web.command: shell syntax "&" in command: supd runs no shell; write command = ["sh", "-c", "..."] if you want one',
  ]);
});

test('args follow the command; a method runs command + program args + its args, by default [method name]', () => {
  const config = parse(`
[programs.web]
command = "node web.js"
args = ["--port", "80"]
[programs.app]
command = ["php", "artisan"]
args = ["--env=prod"]
[programs.app.methods.mailer]
[programs.app.methods.importer]
args = ["import", "--batch", "100"]
[programs.app.methods.own]
command = "other"
args = ["x"]
`);
  assert.deepEqual(unitOf(config, 'web').argv, ['node', 'web.js', '--port', '80']);
  assert.deepEqual(unitOf(config, 'app.mailer').argv, ['php', 'artisan', '--env=prod', 'mailer']);
  assert.deepEqual(unitOf(config, 'app.importer').argv, ['php', 'artisan', '--env=prod', 'import', '--batch', '100']);
  assert.deepEqual(unitOf(config, 'app.own').argv, ['other', 'x']);
});

test('a method with empty args runs the program command and args only', () => {
  const config = parse('[programs.app]\ncommand = "run"\nargs = ["-v"]\n[programs.app.methods.m]\nargs = []\n');
  assert.deepEqual(unitOf(config, 'app.m').argv, ['run', '-v']);
});

test('[defaults] args are the args of a program that sets none', () => {
  const config = parse('[defaults]\nargs = ["--quiet"]\n[programs.a]\ncommand = "a"\n[programs.b]\ncommand = "b"\nargs = []\n');
  assert.deepEqual(unitOf(config, 'a').argv, ['a', '--quiet']);
  assert.deepEqual(unitOf(config, 'b').argv, ['b']);
});

test('${VAR}, ${VAR:-default} and $$ expand in string values from the given environment', () => {
  const env = { BASE_PORT: '8000', APP: '/srv/app' };
  const config = parse(
    '[programs.web]\ncommand = "node ${APP}/web.js"\ncwd = "${APP}"\nenv = { PORT = "${BASE_PORT}", HOST = "${HOST:-0.0.0.0}", PRICE = "$$5" }\n',
    { env },
  );
  const unit = unitOf(config, 'web');
  assert.deepEqual(unit.argv, ['node', '/srv/app/web.js']);
  assert.equal(unit.cwd, '/srv/app');
  assert.deepEqual(unit.env, { PORT: '8000', HOST: '0.0.0.0', PRICE: '$5' });
});

test('an expanded value is not split again, nor expanded twice', () => {
  const unit = unitOf(parse('[programs.web]\ncommand = ["echo", "${MSG}"]\n', { env: { MSG: 'a b ${X} $$' } }), 'web');
  assert.deepEqual(unit.argv, ['echo', 'a b ${X} $$']);
});

test('an unset variable is an error naming it and its key, among the other errors', () => {
  assert.deepEqual(problemsOf(web('env = { PORT = "${NOPE}" }\nprocesses = -1')), [
    'programs.web.env.PORT: environment variable NOPE is not set (give a default with ${NOPE:-value})',
    'programs.web.processes: must be >= 0',
  ]);
});

test('env values that are numbers or booleans become strings', () => {
  assert.deepEqual(unitOf(parse(web('env = { N = 3, F = 1.5, B = true }')), 'web').env, { N: '3', F: '1.5', B: 'true' });
});

test('env_file: dotenv, later files override earlier, env overrides both, contents taken literally', () => {
  const temp = makeTempDir();
  try {
    temp.write('a.env', '# first\nA=1\nB=1\nQUOTED="x y"\nREF=${HOME}\n');
    temp.write('conf/b.env', 'export B=2\nC=2\n');
    const file = temp.write('daemons.toml', '[programs.web]\ncommand = "x"\nenv_file = ["a.env", "conf/b.env"]\nenv = { C = "3" }\n');
    const unit = unitOf(loadConfig(file, { env: { HOME: '/root' } }), 'web');
    assert.deepEqual(unit.env, { A: '1', B: '2', QUOTED: 'x y', REF: '${HOME}', C: '3' });
    assert.deepEqual(unit.envFiles, [path.join(temp.dir, 'a.env'), path.join(temp.dir, 'conf/b.env')]);
  } finally {
    temp.remove();
  }
});

test('env_file may be a single string', () => {
  const { config } = normalizeRaw({ programs: { web: { command: 'x', env_file: 'one.env' } } }, { '/abs/dir/one.env': 'A=1\n' });
  assert.deepEqual(unitOf(config, 'web').env, { A: '1' });
});

test('a missing env_file is a problem at its index; the others are still read', () => {
  const { problems, config } = normalizeRaw({ programs: { web: { command: 'x', env_file: ['ok.env', 'gone.env'] } } }, { '/abs/dir/ok.env': 'A=1\n' });
  assert.deepEqual(problems, [{ path: 'programs.web.env_file[1]', message: 'cannot read env file /abs/dir/gone.env: ENOENT' }]);
  assert.deepEqual(unitOf(config, 'web').env, { A: '1' });
});

test('relative paths are resolved against the config file directory, absolute ones kept', () => {
  const config = parse(`
[supervisor]
state_dir = "run"
log_dir = "/var/log/supd"
pidfile = "pids/supd.pid"
[programs.a]
command = "a"
cwd = "srv/a"
[programs.b]
command = "b"
cwd = "/opt/b"
`);
  assert.equal(config.dir, '/abs/dir');
  assert.equal(config.file, '/abs/dir/daemons.toml');
  assert.equal(config.supervisor.stateDir, '/abs/dir/run');
  assert.equal(config.supervisor.socket, '/abs/dir/run/supd.sock');
  assert.equal(config.supervisor.pidfile, '/abs/dir/pids/supd.pid');
  assert.equal(config.supervisor.logDir, '/var/log/supd');
  assert.equal(unitOf(config, 'a').cwd, '/abs/dir/srv/a');
  assert.equal(unitOf(config, 'b').cwd, '/opt/b');
  assert.equal((unitOf(config, 'a').stdout as { file: string }).file, '/var/log/supd/a-{index}.out.log');
});

test('log, watch and report paths are resolved too (normalizeConfig alone)', () => {
  const { config } = normalizeRaw({
    supervisor: { socket: 's.sock' },
    programs: { web: { command: 'x', stdout: { file: 'out/web-{index}.log' }, watch: ['src', '/etc/app.json'] } },
    reports: { daily: { schedule: '0 8 * * *', to: ['ops@x.org'], file: 'reports/status.txt' } },
  });
  const unit = unitOf(config, 'web');
  assert.equal(config.supervisor.socket, '/abs/dir/s.sock');
  assert.equal((unit.stdout as { file: string }).file, '/abs/dir/out/web-{index}.log');
  assert.deepEqual(unit.watch, { paths: ['/abs/dir/src', '/etc/app.json'], ignore: [], debounceMs: 500 });
  assert.deepEqual(config.reports[0]!.transport, { kind: 'file', path: '/abs/dir/reports/status.txt' });
});

test('units come in file order; a program with methods runs only its methods', () => {
  const config = parse(`
[programs.web]
command = "a"
processes = 2
[programs.app]
command = "b"
[programs.app.methods.mailer]
processes = 3
[programs.app.methods.importer]
[programs.off]
command = "c"
processes = 0
`);
  assert.deepEqual(config.programs, ['web', 'app', 'off']);
  assert.deepEqual(
    config.units.map((u) => [u.name, u.program, u.method, u.processes]),
    [
      ['web', 'web', null, 2],
      ['app.mailer', 'app', 'mailer', 3],
      ['app.importer', 'app', 'importer', 1],
      ['off', 'off', null, 0],
    ],
  );
  assert.equal(countProcesses(config), 6);
});

test('the result is deeply frozen', () => {
  const config = parse(web('env = { A = "1" }'));
  const unit = unitOf(config, 'web');
  for (const part of [config, config.supervisor, config.units, unit, unit.argv, unit.env, unit.backoff]) assert.ok(Object.isFrozen(part));
  assert.throws(() => {
    (unit.env as Record<string, string>).A = '2';
  }, TypeError);
});

test('the same text gives structurally equal configs', () => {
  const text = web('env = { A = "1" }\nbackoff = { initial = "2s" }');
  assert.deepEqual(parse(text), parse(text));
});
