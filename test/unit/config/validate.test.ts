import assert from 'node:assert/strict';
import { test } from 'node:test';
import { problemsOf } from '../../helpers/config.js';

test('a bad program name is reported once, at the name', () => {
  assert.deepEqual(problemsOf('[programs."web.server"]\ncommand = "a"\n'), [
    `programs.web.server: must be a name of letters, digits, '_' and '-' (no '.' or ':', they separate methods and copies)`,
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
