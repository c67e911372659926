import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph, dependenciesOf, dependentsOf, stopInOrder } from '../../../src/supervisor/dependencies.js';

// web -> api -> db; worker -> db; cron alone
const graph = buildGraph([
  { program: 'web', dependsOn: ['api'] },
  { program: 'api', dependsOn: ['db'] },
  { program: 'worker', dependsOn: ['db'] },
  { program: 'worker', dependsOn: [] },
  { program: 'db', dependsOn: [] },
  { program: 'cron', dependsOn: [] },
]);

test('dependencies and dependents, transitively', () => {
  assert.deepEqual(dependenciesOf(graph, 'web').sort(), ['api', 'db']);
  assert.deepEqual(dependentsOf(graph, 'db').sort(), ['api', 'web', 'worker']);
  assert.deepEqual(dependentsOf(graph, 'cron'), []);
});

test('stopInOrder stops dependents before their dependencies, unrelated ones at once', async () => {
  const order: string[] = [];
  const started: string[] = [];
  await stopInOrder(graph, ['db', 'api', 'web', 'worker', 'cron'], async (program) => {
    started.push(program);
    await new Promise((resolve) => setImmediate(resolve));
    order.push(program);
  });
  const at = (p: string) => order.indexOf(p);
  assert.ok(at('web') < at('api') && at('api') < at('db') && at('worker') < at('db'));
  assert.deepEqual(started.slice(0, 3).sort(), ['cron', 'web', 'worker'], 'the leaves begin together');
});
