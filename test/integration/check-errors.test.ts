// Every bad fixture makes `supd check` exit 2 with each error located (file:LINE:COL: for TOML
// syntax, file: key.path: message (line N) for the rest) and no stack trace.
import assert from 'node:assert/strict';
import { chmodSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { withTempDir } from '../helpers/temp.js';

const BAD = path.join(FIXTURES, 'bad');

/** Where the fixture's error stands: a key path, or `line:column` for a TOML syntax error. */
interface Expected {
  readonly at: string;
  readonly line: number;
  readonly message: RegExp;
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'toml-syntax': { at: '3:13', line: 3, message: /^Expected .* but "=" found\.$/ },
  'unclosed-table': { at: '1:14', line: 1, message: /^Expected .* but "\\n" found\.$/ },
  'duplicate-key': { at: '4:1', line: 4, message: /^Cannot redefine existing key 'programs\.web\.processes'\.$/ },
  'integer-overflow': { at: '3:13', line: 3, message: /outside the 64-bit signed integer range/ },
  'wrong-type': { at: 'programs.web.processes', line: 3, message: /^must be a whole number >= 0, "max" \(one per CPU\) or "max-N"$/ },
  'bad-enum': { at: 'programs.web.restart', line: 3, message: /^must be one of: "always", "on-failure", "never"$/ },
  'unknown-key-top': { at: 'programz', line: 1, message: /^unknown key \(did you mean "programs"\?\)$/ },
  'unknown-key-supervisor': { at: 'supervisor.log_levle', line: 2, message: /^unknown key \(did you mean "log_level"\?\)$/ },
  'unknown-key-program': { at: 'programs.web.procesess', line: 3, message: /^unknown key \(did you mean "processes"\?\)$/ },
  'unknown-key-method': { at: 'programs.app.methods.mailer.colour', line: 6, message: /^unknown key$/ },
  'unknown-key-defaults': { at: 'defaults.retsart_window', line: 3, message: /^unknown key \(did you mean "restart_window"\?\)$/ },
  'unknown-key-backoff': { at: 'programs.web.backoff.maximum', line: 3, message: /^unknown key$/ },
  'method-in-method': { at: 'programs.app.methods.mailer.methods', line: 4, message: /^unknown key$/ },
  'defaults-command': { at: 'defaults.command', line: 2, message: /^unknown key$/ },
  'negative-processes': { at: 'programs.web.processes', line: 3, message: /^must be >= 0$/ },
  'bad-exit-code': { at: 'programs.web.success_exit_codes[1]', line: 4, message: /^must be <= 255$/ },
  'bad-jitter': { at: 'programs.web.backoff.jitter', line: 3, message: /^must be <= 1$/ },
  'bad-duration': { at: 'programs.web.stop_timeout', line: 3, message: /^must be a duration like "250ms"/ },
  'bad-size': { at: 'programs.web.max_memory', line: 3, message: /^must be a size like "512K"/ },
  'bad-umask': { at: 'programs.web.umask', line: 3, message: /^must be an octal string like "022"$/ },
  'bad-cron': { at: 'programs.web.schedule', line: 3, message: /^must be a cron expression of 5 or 6 fields/ },
  'unknown-signal': { at: 'programs.web.stop_signal', line: 3, message: /^must be a signal name like SIGTERM/ },
  'date-value': { at: 'programs.web.backoff', line: 3, message: /^is a TOML date-time, which no key takes/ },
  'bad-program-name': { at: 'programs."web.server"', line: 1, message: /^must be a name of letters, digits, '_' and '-'/ },
  'empty-command': { at: 'programs.web.command', line: 2, message: /^must NOT have fewer than 1 characters$/ },
  'cycle': { at: 'programs.a.depends_on', line: 3, message: /^dependency cycle: a -> b -> c -> a$/ },
  'unknown-dependency': { at: 'programs.web.depends_on[0]', line: 3, message: /^names no program: "db"$/ },
  'self-dependency': { at: 'programs.web.depends_on[0]', line: 3, message: /^a program cannot depend on itself$/ },
  'duplicate-log-file': { at: 'programs.web.stdout', line: 4, message: /^web:1 stdout would write the log file \S+\/logs\/web\.log that web:0 stdout writes too/ },
  'unset-var': { at: 'programs.web.env.PORT', line: 3, message: /^environment variable SUPD_TEST_UNSET_PORT is not set/ },
  'nested-default': { at: 'programs.web.env.PORT', line: 3, message: /nested references are not supported$/ },
  'bad-var-syntax': { at: 'programs.web.env.HOME_DIR', line: 3, message: /^"\$\{not a name\}" is not a variable reference/ },
  'missing-env-file': { at: 'programs.web.env_file[0]', line: 3, message: /^cannot read env file \S+\/does-not-exist\.env: ENOENT$/ },
  'no-command': { at: 'programs.web.command', line: 1, message: /^is required/ },
  'method-without-command': { at: 'programs.app.methods.mailer.command', line: 4, message: /^is required: neither the method nor its program has a command$/ },
  'schedule-with-methods': { at: 'programs.app.schedule', line: 3, message: /^a program with methods cannot have a schedule/ },
  'schedule-with-processes': { at: 'programs.nightly.schedule', line: 3, message: /^a scheduled program runs one process at a time, but processes = 2$/ },
  'timeout-without-schedule': { at: 'programs.web.timeout', line: 3, message: /^applies to scheduled runs only/ },
  'report-without-transport': { at: 'reports.daily', line: 4, message: /^give exactly one transport: smtp, sendmail or file$/ },
  'report-two-transports': { at: 'reports.daily', line: 4, message: /^give exactly one transport: smtp, sendmail or file \(found smtp and file\)$/ },
  'report-without-to': { at: 'reports.daily.to', line: 4, message: /^is required$/ },
  'unterminated-quote': { at: 'programs.web.command', line: 2, message: /^unterminated single quote in command$/ },
  'shell-operator': { at: 'programs.web.command', line: 2, message: /^shell syntax "\|" in command: supd runs no shell/ },
  'three-problems': { at: 'programs.web.processes', line: 3, message: /^must be >= 0$/ },
};

// Without SUPD_TEST_UNSET_* so that the unset-variable fixtures mean what they say.
const ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SUPD_')));

function check(file: string, cwd = BAD): Promise<CliResult> {
  return runCli(['check', '-c', file], { cwd, env: ENV });
}

/** One line of stderr in the located form, or null. */
function parseLine(line: string): { file: string; at: string; message: string; line: number } | null {
  const syntax = /^(.+?):(\d+):(\d+): (.+)$/.exec(line);
  if (syntax !== null) return { file: syntax[1]!, at: `${syntax[2]}:${syntax[3]}`, message: syntax[4]!, line: Number(syntax[2]) };
  const keyed = /^(.+?): (\S+): (.+) \(line (\d+)\)$/.exec(line);
  if (keyed !== null) return { file: keyed[1]!, at: keyed[2]!, message: keyed[3]!, line: Number(keyed[4]) };
  return null;
}

function assertNoStackTrace(result: CliResult): void {
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'a stack trace');
  assert.doesNotMatch(result.stderr, /\b(Type|Reference|Syntax|Range)?Error\b/, 'an Error from node');
}

test('there is a fixture for each expectation and an expectation for each fixture', () => {
  const fixtures = readdirSync(BAD).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -'.toml'.length));
  assert.deepEqual(fixtures.sort(), Object.keys(EXPECTED).sort());
  assert.ok(fixtures.length >= 25);
});

test('supd check exits 2 on each bad fixture and names file and place', { concurrency: 8 }, async (t) => {
  await Promise.all(
    Object.entries(EXPECTED).map(([name, expected]) =>
      t.test(name, async () => {
        const result = await check(`${name}.toml`);
        assert.equal(result.code, 2, result.stderr);
        assert.equal(result.stdout, '');
        assertNoStackTrace(result);
        const lines = result.stderr.trimEnd().split('\n');
        const parsed = lines.map(parseLine);
        parsed.forEach((p, i) => assert.ok(p !== null && p.file === `${name}.toml`, `not located: ${lines[i]}`));
        const hit = parsed.find((p) => p!.at === expected.at && expected.message.test(p!.message));
        assert.ok(hit, `no "${expected.at}: ${expected.message}" in:\n${result.stderr}`);
        assert.equal(hit!.line, expected.line);
      }),
    ),
  );
});

test('every error is reported at once: three problems, three lines', async () => {
  const result = await check('three-problems.toml');
  assert.equal(result.code, 2);
  assert.deepEqual(result.stderr.trimEnd().split('\n'), [
    'three-problems.toml: programs.web.processes: must be >= 0 (line 3)',
    'three-problems.toml: programs.web.stop_signal: must be a signal name like SIGTERM, SIGINT, SIGQUIT, SIGHUP or SIGUSR1 (line 4)',
    'three-problems.toml: programs.web.restart_window: must be a duration like "250ms", "10s", "5m", "1h" or "1d" (line 5)',
  ]);
});

test('an absolute path is named as given', async () => {
  const file = path.join(BAD, 'wrong-type.toml');
  const result = await check(file);
  assert.equal(result.stderr, `${file}: programs.web.processes: must be a whole number >= 0, "max" (one per CPU) or "max-N" (line 3)\n`);
});

test('a config file that does not exist: exit 2, named, no stack trace', async () => {
  const result = await check('no-such-dir/daemons.toml');
  assert.equal(result.code, 2);
  assert.equal(result.stderr, 'no-such-dir/daemons.toml: cannot read the config file: ENOENT\n');
  assertNoStackTrace(result);
});

test('a directory given as the config file: exit 2, named', async () => {
  const result = await check('.');
  assert.equal(result.code, 2);
  assert.equal(result.stderr, '.: cannot read the config file: EISDIR\n');
});

test(
  'a config file without read permission: exit 2, named',
  { skip: process.getuid?.() === 0 ? 'running as root, which reads a file of mode 000 all the same' : false },
  async () => {
    await withTempDir(async (temp) => {
      chmodSync(temp.write('daemons.toml', '[programs.web]\ncommand = "a"\n'), 0o000);
      const result = await check('daemons.toml', temp.dir);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, 'daemons.toml: cannot read the config file: EACCES\n');
      assertNoStackTrace(result);
    });
  },
);
