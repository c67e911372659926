import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossCheck, findCycle } from '../../../src/config/checks.js';
import { normalizeConfig } from '../../../src/config/normalize.js';

function graph(edges: Record<string, string[]>): Map<string, Set<string>> {
  return new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));
}

// Cross-checks on a raw (already schema-valid) config, keys as `path: message`.
function problems(programs: Record<string, unknown>): string[] {
  const { config } = normalizeConfig({ programs }, { file: '/abs/dir/daemons.toml', readTextFile: () => '' });
  return crossCheck(config).map((p) => `${p.path}: ${p.message}`);
}

test('findCycle: none in an empty graph, a chain or a diamond', () => {
  assert.equal(findCycle(new Map()), null);
  assert.equal(findCycle(graph({ a: ['b'], b: ['c'] })), null);
  assert.equal(findCycle(graph({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] })), null);
});

test('findCycle: a self-loop, a pair, a triangle, each as a path that ends where it starts', () => {
  assert.deepEqual(findCycle(graph({ a: ['a'] })), ['a', 'a']);
  assert.deepEqual(findCycle(graph({ a: ['b'], b: ['a'] })), ['a', 'b', 'a']);
  assert.deepEqual(findCycle(graph({ a: ['b'], b: ['c'], c: ['a'] })), ['a', 'b', 'c', 'a']);
});

test('findCycle: finds a cycle that the first node only leads to, and names only the cycle', () => {
  assert.deepEqual(findCycle(graph({ a: ['b'], b: ['c'], c: ['d'], d: ['b'] })), ['b', 'c', 'd', 'b']);
});

test('findCycle: finds a cycle apart from nodes already done, whatever the insertion order', () => {
  assert.deepEqual(findCycle(graph({ z: ['y'], y: ['z'], a: ['b'], b: [] })), ['y', 'z', 'y']);
});

test('depends_on: an unknown program, oneself and a cycle are problems at their place', () => {
  assert.deepEqual(problems({ web: { command: 'a', depends_on: ['db', 'web'] } }), [
    'programs.web.depends_on[0]: names no program: "db"',
    'programs.web.depends_on[1]: a program cannot depend on itself',
  ]);
  assert.deepEqual(problems({ a: { command: 'a', depends_on: ['b'] }, b: { command: 'b', depends_on: ['a'] } }), [
    'programs.a.depends_on: dependency cycle: a -> b -> a',
  ]);
  assert.deepEqual(problems({ a: { command: 'a', depends_on: ['b'] }, b: { command: 'b' } }), []);
});

test('depends_on of a method counts for its program', () => {
  const programs = { app: { command: 'a', methods: { m: { depends_on: ['db'] } } }, db: { command: 'd', depends_on: ['app'] } };
  assert.deepEqual(problems(programs), ['programs.app.depends_on: dependency cycle: app -> db -> app']);
});

test('log files: two copies, or two programs, writing one file are a problem; {index} keeps them apart', () => {
  assert.match(problems({ web: { command: 'a', processes: 2, stdout: { file: 'web.log' } } })[0]!, /^programs\.web\.stdout: web:1 stdout would write the log file \/abs\/dir\/web\.log that web:0 stdout writes too/);
  assert.deepEqual(problems({ web: { command: 'a', processes: 2, stdout: { file: 'web-{index}.log' } } }), []);
  assert.match(problems({ a: { command: 'a', stdout: { file: 'x.log' } }, b: { command: 'b', stderr: { file: 'x.log' } } })[0]!, /^programs\.b\.stderr: b:0 stderr would write .*x\.log that a:0 stdout writes too/);
});

test('log files: the defaults never clash, merge and false write no file of their own', () => {
  const programs = { web: { command: 'a', processes: 3 }, app: { command: 'b', methods: { m: { processes: 2 }, n: {} } } };
  assert.deepEqual(problems(programs), []);
  assert.deepEqual(problems({ web: { command: 'a', processes: 2, stdout: false, stderr: 'merge' } }), []);
});

test('log files: a program declared with 0 processes still claims its files', () => {
  assert.equal(problems({ a: { command: 'a', processes: 0, stdout: { file: 'x.log' } }, b: { command: 'b', stdout: { file: 'x.log' } } }).length, 1);
});

test('schedule: one process at a time; timeout and timezone need a schedule', () => {
  assert.deepEqual(problems({ job: { command: 'a', schedule: '* * * * *', processes: 2 } }), [
    'programs.job.schedule: a scheduled program runs one process at a time, but processes = 2',
  ]);
  assert.deepEqual(problems({ job: { command: 'a', schedule: '* * * * *', timeout: '5m', timezone: 'UTC' } }), []);
  assert.deepEqual(problems({ web: { command: 'a', timeout: '5m', timezone: 'UTC' } }), [
    'programs.web.timeout: applies to scheduled runs only: set schedule too, or remove timeout',
    'programs.web.timezone: applies to scheduled runs only: set schedule too, or remove timezone',
  ]);
});
