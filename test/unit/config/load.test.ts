// The pipeline as a whole on inputs that plain objects get wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, unitOf, web } from '../../helpers/config.js';

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
