// Issue 14 bugs 8 and 9: env names that no environment can hold are located errors, and one
// run of supd check reports schema errors and depends_on cross-checks together.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { withTempDir } from '../helpers/temp.js';

async function check(text: string): Promise<{ code: number | null; lines: string[] }> {
  return withTempDir(async (temp) => {
    temp.write('daemons.toml', text);
    const result = await runCli(['check', '-c', 'daemons.toml'], { cwd: temp.dir });
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    return { code: result.code, lines: result.stderr.trimEnd().split('\n') };
  });
}

test('env names that are empty or hold "=", a space or NUL are errors, each located', async () => {
  const { code, lines } = await check(`[programs.web]
command = "sleep 1000"
env = { GOOD = "1", "" = "x", "A=B" = "1", "A B" = "2", "A\\u0000B" = "3" }
[defaults]
env = { "TAB\\tX" = "4" }
`);
  assert.equal(code, 2);
  const why = 'is not a valid environment variable name: it must not be empty nor hold "=", a space or NUL';
  assert.deepEqual(lines, [
    `daemons.toml: programs.web.env."": ${why} (line 3)`,
    `daemons.toml: programs.web.env."A=B": ${why} (line 3)`,
    `daemons.toml: programs.web.env."A B": ${why} (line 3)`,
    `daemons.toml: programs.web.env."A\\u0000B": ${why} (line 3)`,
    `daemons.toml: defaults.env."TAB\\tX": ${why} (line 5)`,
  ]);
});

test('schema errors, a dependency cycle and unknown dependencies come in one run', async () => {
  const { code, lines } = await check(`[programs.web]
command = "sleep 1000"
processes = -1
depends_on = ["db", "app"]
[programs.app]
command = "sleep 1000"
depends_on = ["web"]
bogus = 1
[programs.m]
command = "sleep 1000"
[programs.m.methods.a]
depends_on = ["nope"]
`);
  assert.equal(code, 2);
  assert.deepEqual(lines, [
    'daemons.toml: programs.web.processes: must be >= 0 (line 3)',
    'daemons.toml: programs.web.depends_on[0]: names no program: "db" (line 4)',
    'daemons.toml: programs.app.depends_on: dependency cycle: app -> web -> app (line 7)',
    'daemons.toml: programs.app.bogus: unknown key (line 8)',
    'daemons.toml: programs.m.methods.a.depends_on[0]: names no program: "nope" (line 12)',
  ]);
});
