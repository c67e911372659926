import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommand } from '../../../src/config/split-command.js';

function argv(text: string): string[] {
  const result = splitCommand(text);
  assert.ok(result.ok, `refused: ${text}: ${result.ok ? '' : result.message}`);
  return result.argv;
}

function refusal(text: string): string {
  const result = splitCommand(text);
  assert.ok(!result.ok, `accepted: ${text} as ${JSON.stringify(result)}`);
  return result.message;
}

test('words are split on runs of spaces, tabs and newlines', () => {
  assert.deepEqual(argv('  node\tserver.js \n --port  8080 '), ['node', 'server.js', '--port', '8080']);
});

test('single quotes keep everything, backslashes included', () => {
  assert.deepEqual(argv(`echo 'a  b' 'c\\d' '"q"'`), ['echo', 'a  b', 'c\\d', '"q"']);
});

test('double quotes keep spaces; a backslash escapes only $ ` " \\ there', () => {
  assert.deepEqual(argv('echo "a  b" "say \\"hi\\"" "c:\\\\x" "\\$HOME" "\\n stays"'), ['echo', 'a  b', 'say "hi"', 'c:\\x', '$HOME', '\\n stays']);
});

test('a backslash outside quotes takes the next character literally', () => {
  assert.deepEqual(argv('echo a\\ b \\"c \\|'), ['echo', 'a b', '"c', '|']);
});

test('quoted parts join the word they touch; empty quotes make an empty argument', () => {
  assert.deepEqual(argv(`--name='my app'x "" ''`), ['--name=my appx', '', '']);
});

test('backslash-newline continues the line and makes no word of its own', () => {
  assert.deepEqual(argv('node \\\n  app.js \\\n'), ['node', 'app.js']);
  assert.deepEqual(argv('no\\\nde'), ['node']);
  assert.deepEqual(argv('a "b\\\nc"'), ['a', 'bc']);
});

test('shell operators outside quotes are refused with a pointer to sh -c', () => {
  for (const op of ['|', '&', ';', '<', '>', '`', '(', ')']) {
    assert.match(refusal(`a ${op} b`), new RegExp(`^shell syntax "\\${op}" in command: supd runs no shell; write command = \\["sh", "-c", "..."\\]`));
  }
  assert.match(refusal('echo $(date)'), /^shell syntax "\$\(" in command/);
  assert.match(refusal('a&&b'), /shell syntax "&"/);
});

test('operators inside quotes or escaped are plain characters, and so is $ alone', () => {
  assert.deepEqual(argv(`grep 'a|b' "c;d" e\\&f $HOME $`), ['grep', 'a|b', 'c;d', 'e&f', '$HOME', '$']);
});

test('unterminated quotes, a trailing backslash and an empty command are refused', () => {
  assert.equal(refusal(`echo 'abc`), 'unterminated single quote in command');
  assert.equal(refusal('echo "abc'), 'unterminated double quote in command');
  assert.equal(refusal('echo "abc\\"'), 'unterminated double quote in command');
  assert.equal(refusal('echo \\'), 'command ends with a lone backslash');
  assert.equal(refusal(''), 'command is empty');
  assert.equal(refusal(' \t\n'), 'command is empty');
});
