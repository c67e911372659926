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
