import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandString, expandVariables } from '../../../src/config/expand.js';

const ENV = { HOST: 'db.local', PORT: '5432', EMPTY: '' };

function expand(text: string, env: Record<string, string | undefined> = ENV): { value: string; problems: string[] } {
  const problems: string[] = [];
  return { value: expandString(text, env, (m) => problems.push(m)), problems };
}

test('${VAR} is replaced by its value, as often as it appears', () => {
  assert.deepEqual(expand('${HOST}:${PORT}/${HOST}'), { value: 'db.local:5432/db.local', problems: [] });
});

test('${VAR:-default} uses the default when VAR is unset or empty, the value otherwise', () => {
  assert.equal(expand('${NOPE:-8080}').value, '8080');
  assert.equal(expand('${EMPTY:-8080}').value, '8080');
  assert.equal(expand('${PORT:-8080}').value, '5432');
  assert.equal(expand('${NOPE:-}').value, '');
});

test('a set but empty variable without default expands to nothing', () => {
  assert.deepEqual(expand('a${EMPTY}b'), { value: 'ab', problems: [] });
});

test('$$ is a literal $, also in a default, and stops a reference', () => {
  assert.equal(expand('cost: $$5').value, 'cost: $5');
  assert.equal(expand('$${HOST}').value, '${HOST}');
  assert.equal(expand('${NOPE:-$$1}').value, '$1');
});

test('a lone $ and $NAME without braces are left as written', () => {
  assert.deepEqual(expand('$HOST costs $ 5'), { value: '$HOST costs $ 5', problems: [] });
});

test('an unset variable without default is a problem that names it', () => {
  const { problems } = expand('x${MISSING}y');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^environment variable MISSING is not set/);
});

test('an unclosed ${ and a reference that is not a name are problems', () => {
  assert.deepEqual(expand('${HOST').problems, ['"${" without a closing "}"']);
  assert.match(expand('${not a name}').problems[0]!, /is not a variable reference/);
  assert.match(expand('${}').problems[0]!, /is not a variable reference/);
});

test('a default holding another reference is a problem, not a stray "}"', () => {
  const { problems } = expand('${NOPE:-${HOST}}');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /nested references are not supported/);
});

test('expandVariables walks tables and arrays, reporting each problem at its key path', () => {
  const data = { programs: { web: { command: ['node', '${HOST}'], env: { A: '${X1}', N: 3, B: true } } }, list: [['${X2}']] };
  const result = expandVariables(data, ENV);
  assert.deepEqual(result.data, { programs: { web: { command: ['node', 'db.local'], env: { A: '${X1}', N: 3, B: true } } }, list: [['${X2}']] });
  assert.deepEqual(
    result.problems.map((p) => p.path),
    ['programs.web.env.A', 'list[0][0]'],
  );
});

test('expandVariables leaves keys alone and does not change its input', () => {
  const data = { '${HOST}': '${HOST}' };
  assert.deepEqual(expandVariables(data, ENV).data, { '${HOST}': 'db.local' });
  assert.deepEqual(data, { '${HOST}': '${HOST}' });
});

test('Dates pass through untouched', () => {
  const when = new Date(0);
  assert.equal((expandVariables({ when }, ENV).data as { when: Date }).when, when);
});
