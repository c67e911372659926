import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issuesOf, problemsOf } from '../../helpers/config.js';

test('a bad program name is reported once, at the name', () => {
  assert.deepEqual(problemsOf('[programs."web.server"]\ncommand = "a"\n'), [
    `programs."web.server": must be a name of letters, digits, '_' and '-' (no '.' or ':', they separate methods and copies)`,
  ]);
});

test('a bad method name is reported at the method, with the rule it breaks', () => {
  const long = 'm'.repeat(65);
  assert.deepEqual(problemsOf(`[programs.app]\ncommand = "a"\n[programs.app.methods.${long}]\n`), [
    `programs.app.methods.${long}: must NOT have more than 64 characters`,
  ]);
});

test('an unknown key suggests the nearest known one', () => {
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a"\nrestrat = "never"\n'), ['programs.web.restrat: unknown key (did you mean "restart"?)']);
});

test('a value no alternative fits says what fits', () => {
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a"\nwatch = 3\n'), [
    'programs.web.watch: must be an array of paths and globs, or a table { paths = [...], ignore = [...], debounce = "500ms" }',
  ]);
});

test('a key that is not a bare TOML key is quoted in the path, and still located', () => {
  assert.deepEqual(issuesOf('"" = 1\n[programs.web]\ncommand = "a"\nbackoff = { "a.b" = 1 }\n').map((i) => [i.path, i.line]), [
    ['""', 1],
    ['programs.web.backoff."a.b"', 4],
  ]);
});

test('a key made of digits is a key, not an index', () => {
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a"\nenv = { 1 = [] }\nargs = [[]]\n'), [
    'programs.web.env.1: must be a string or a number or true or false',
    'programs.web.args[0]: must be a string',
  ]);
});

test('kill_mode and kill_group (its old name) in one table is an error naming the table; a wrong kill_mode names the values', () => {
  const both = 'set kill_mode or kill_group, not both: keep kill_mode (kill_group is its old name: true = "group", false = "process")';
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a"\nkill_mode = "mixed"\nkill_group = true\n'), [`programs.web.kill_group: ${both}`]);
  assert.deepEqual(problemsOf('[defaults]\nkill_mode = "group"\nkill_group = false\n[programs.web]\ncommand = "a"\n'), [`defaults.kill_group: ${both}`]);
  assert.deepEqual(problemsOf('[programs.app.methods.m]\nkill_mode = "group"\nkill_group = false\n[programs.app]\ncommand = "a"\n'), [`programs.app.methods.m.kill_group: ${both}`]);
  assert.deepEqual(problemsOf('[programs.web]\ncommand = "a"\nkill_mode = "all"\n'), ['programs.web.kill_mode: must be one of: "mixed", "group", "process"']);
});
