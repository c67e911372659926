import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../../src/config/load.js';
import { copyTemplateAsGlob, copyValues, expandCopyValues, unitForCopy, unknownCopyWords } from '../../../src/config/per-copy.js';

const WEB1 = copyValues({ name: 'web', program: 'web', method: null }, 1);
const MAILER2 = copyValues({ name: 'app.mailer', program: 'app', method: 'mailer' }, 2);

test('{index}, {name}, {program} and {method} expand; {method} is empty for a program without methods', () => {
  assert.equal(expandCopyValues('808{index}', WEB1), '8081');
  assert.equal(expandCopyValues('{name} {program} [{method}]', WEB1), 'web:1 web []');
  assert.equal(expandCopyValues('{program}.{method}:{index} is {name}', MAILER2), 'app.mailer:2 is app.mailer:2');
});

test('{{ is a literal {, also before a word', () => {
  assert.equal(expandCopyValues('{{index}', WEB1), '{index}');
  assert.equal(expandCopyValues('a {{ b {{{index}', WEB1), 'a { b {1');
});

test('only {word} is a reference: regex counts, shell blocks and ${VAR} stay as written', () => {
  for (const text of ['\\d{3}', 'x{2,5}', "awk '{print $1}'", 'echo ${HOME}', '{}', '{ index }']) {
    assert.equal(expandCopyValues(text, WEB1), text);
    assert.deepEqual(unknownCopyWords(text), []);
  }
});

test('an unknown {word} is reported and left as written', () => {
  assert.deepEqual(unknownCopyWords('{port} {index} {Name} {{port}'), ['port', 'Name']);
  assert.equal(expandCopyValues('{port}', WEB1), '{port}');
});

test('a log file template becomes a glob over every copy', () => {
  const escape = (t: string) => t.replace(/[*?[\]{}\\]/g, '\\$&');
  assert.equal(copyTemplateAsGlob('/l/{program}-{index}.log', escape), '/l/*-*.log');
  assert.equal(copyTemplateAsGlob('/l/{{x}.log', escape), '/l/\\{x\\}.log');
});

test('unitForCopy fills every key that takes per-copy values, and nothing else', () => {
  const config = parseConfigText(
    `
[programs.web]
command = "serve --port 808{index} --name {name}"
args = ["{program}"]
processes = 2
cwd = "/srv/{index}"
env = { PORT = "808{index}", LITERAL = "{{index}" }
stdout = { file = "/l/{name}.log" }
stderr = { file = "/l/{program}-{index}.err" }
ready = { http = "http://127.0.0.1:808{index}/ready" }
health = { exec = ["check", "--port", "808{index}"] }
hooks = { after_start = "echo started {name}" }
`,
    '/etc/supd/daemons.toml',
    { env: {} },
  );
  const unit = config.units[0]!;
  const copy = unitForCopy(unit, 1);
  assert.deepEqual(copy.argv, ['serve', '--port', '8081', '--name', 'web:1', 'web']);
  assert.equal(copy.cwd, '/srv/1');
  assert.deepEqual(copy.env, { PORT: '8081', LITERAL: '{index}' });
  assert.equal(copy.stdout?.file, '/l/web:1.log');
  assert.equal((copy.stderr as { file: string }).file, '/l/web-1.err');
  assert.equal(copy.ready?.target, 'http://127.0.0.1:8081/ready');
  assert.deepEqual(copy.health?.target, ['check', '--port', '8081']);
  assert.deepEqual(copy.hooks?.afterStart, ['echo', 'started', 'web:1']);
  assert.equal(copy.processes, 2);
  assert.equal(unit.env.PORT, '808{index}', 'the template is left as it was');
});

test('unitForCopy: a unit without a per-copy reference is shared by its copies; one reference makes a copy', () => {
  const parse = (extra: string) => parseConfigText(`[programs.web]\ncommand = "serve --port 8080"\nprocesses = 2\n${extra}`, '/x/daemons.toml', { env: {} }).units[0]!;
  const plain = parse('env = { A = "1" }\nstdout = false\nstderr = false\n');
  assert.equal(unitForCopy(plain, 1), plain);
  const logged = parse('env = { A = "1" }\n');
  const loggedCopy = unitForCopy(logged, 1);
  assert.equal(loggedCopy.stdout?.file, '/x/logs/web-1.out.log');
  assert.equal(loggedCopy.argv, logged.argv, 'what has no reference is shared');
  assert.equal(loggedCopy.env, logged.env);
  const literal = parse('env = { A = "{{index}" }\n');
  assert.deepEqual(unitForCopy(literal, 1).env, { A: '{index}' });
  const one = parse('env = { A = "{index}" }\n');
  const copy = unitForCopy(one, 1);
  assert.notEqual(copy, one);
  assert.deepEqual(copy.env, { A: '1' });
  assert.equal(copy.argv, one.argv);
});

test('an unknown {word} in a per-copy key is a config error at its key; elsewhere braces are free', () => {
  assert.throws(
    () => parseConfigText('[programs.web]\ncommand = "serve {port}"\nenv = { A = "{idx}" }\n', '/x/daemons.toml', { env: {} }),
    (error: { issues: Array<{ path: string; message: string }> }) => {
      assert.deepEqual(error.issues.map((i) => i.path), ['programs.web.command', 'programs.web.env.A']);
      assert.match(error.issues[0]!.message, /\{port\} is not a per-copy value: use \{index\}, \{name\}, \{program\} or \{method\}/);
      return true;
    },
  );
});
