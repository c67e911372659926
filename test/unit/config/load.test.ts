// The pipeline as a whole on inputs that plain objects get wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, problemsOf, unitOf, web } from '../../helpers/config.js';

test('a program named __proto__ is a program like any other', () => {
  const config = parse('[programs.__proto__]\ncommand = "a"\n');
  assert.deepEqual(config.programs, ['__proto__']);
  assert.deepEqual(unitOf(config, '__proto__').argv, ['a']);
});

test('an env variable named __proto__ is kept', () => {
  const config = parse(web('env = { __proto__ = "x", B = "y" }'));
  assert.deepEqual(Object.entries(unitOf(config, 'web').env), [
    ['__proto__', 'x'],
    ['B', 'y'],
  ]);
});

test('a TOML date-time is refused wherever it stands, never taken for an empty table', () => {
  const date = '1979-05-27T07:32:00Z';
  assert.deepEqual(problemsOf(web(`backoff = ${date}\nenv = { D = ${date} }\nargs = ["a", ${date}]`)), [
    'programs.web.backoff: is a TOML date-time, which no key takes (quote it to make it a string)',
    'programs.web.env.D: is a TOML date-time, which no key takes (quote it to make it a string)',
    'programs.web.args[1]: is a TOML date-time, which no key takes (quote it to make it a string)',
  ]);
  assert.deepEqual(problemsOf(`programs = ${date}\n`), ['programs: is a TOML date-time, which no key takes (quote it to make it a string)']);
});

test('local dates and times are strings, so they get the ordinary message', () => {
  assert.deepEqual(problemsOf(web('stop_timeout = 07:32:00')), ['programs.web.stop_timeout: must be a duration like "250ms", "10s", "5m", "1h" or "1d"']);
});
