import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseToml } from '../../../src/config/toml.js';

const text = `top = 1
[""]
[programs.web]
command = "x"
env = { PORT = "8080", "a.b" = "c" }
args = [
  "one",
  { deep = true },
]
[[programs.web.hooks]]
run = "a"
[[programs.web.hooks]]
run = "b"
`;

test('the key index places tables, keys, dotted and quoted keys, inline tables, array items and array tables', () => {
  const parsed = parseToml(text, 'daemons.toml');
  assert.ok(parsed.ok);
  const at = (path: string): string => {
    const place = parsed.index.locate(path);
    return place === undefined ? 'nowhere' : `${place.line}:${place.column}`;
  };
  assert.equal(at('top'), '1:1');
  assert.equal(at('""'), '2:1', 'an empty table is placed at its header');
  assert.equal(at('programs.web'), '3:1');
  assert.equal(at('programs.web.command'), '4:1');
  assert.equal(at('programs.web.env.PORT'), '5:9');
  assert.equal(at('programs.web.env."a.b"'), '5:24');
  assert.equal(at('programs.web.args[1]'), '8:3');
  assert.equal(at('programs.web.args[1].deep'), '8:5');
  assert.equal(at('programs.web.hooks[1].run'), '13:1');
  assert.equal(at('programs.web.hooks[1]'), '12:1');
  assert.equal(at('programs.web.nothing.here'), '3:1', 'an unknown key is placed at the nearest known parent');
  assert.equal(at('nothing'), 'nowhere');
});

test('a syntax error keeps its line and column, through toml\'s public parse', () => {
  const parsed = parseToml('[programs.web]\ncommand = \n', 'daemons.toml');
  assert.ok(!parsed.ok);
  assert.deepEqual([parsed.issue.file, parsed.issue.line], ['daemons.toml', 2]);
  assert.ok(parsed.issue.column !== undefined && parsed.issue.column > 1, `column ${parsed.issue.column}`);
});
