// The control handlers see the supervisor only through its narrow faces (view.ts): here a
// Supervisor on fake children (no socket, no child process), wired as `supd run` wires it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHandler } from '../../../src/control/handlers.js';
import type { CommandResult, Request, StatusReport } from '../../../src/control/protocol.js';
import type { ResponseStream } from '../../../src/control/server.js';
import type { SupervisorView } from '../../../src/supervisor/view.js';
import { fakeWorld, program } from '../supervisor/fake-world.js';

const stream: ResponseStream = { send: () => true, drained: () => Promise.resolve(), signal: new AbortController().signal };

function handlerFor(text: string) {
  const world = fakeWorld(text);
  const { supervisor } = world;
  const view: SupervisorView = { events: supervisor.events, startedAt: supervisor.startedAt, currentConfig: supervisor.currentConfig, isShuttingDown: false, now: () => supervisor.now(), list: () => supervisor.list(), get: (n) => supervisor.get(n), healthOf: () => null, nextRunOf: () => null };
  const handle = createHandler({ view, control: supervisor, outputs: { outputOf: () => undefined }, version: '0.0.0-test', shutdown: () => Promise.resolve(), reload: () => Promise.resolve({ lines: [], refused: [] }) });
  const ask = (request: { cmd: string } & Record<string, unknown>) => handle({ id: 1, ...request } as unknown as Request, stream);
  return { ...world, ask };
}

test('status and stop through the handler, by targets and globs', async () => {
  const { supervisor, ask } = handlerFor(program('web', 'processes = 2') + program('api'));
  supervisor.startAll();
  const status = (await ask({ cmd: 'status', targets: ['web:*'] })) as StatusReport;
  assert.deepEqual(status.processes.map((p) => `${p.name} ${p.state}`), ['web:0 running', 'web:1 running']);
  const stopped = (await ask({ cmd: 'stop', targets: ['api'], timeoutMs: 1000 })) as CommandResult;
  assert.deepEqual(stopped.outcomes.map((o) => `${o.name} ${o.ok} ${o.state}`), ['api:0 true stopped']);
});

test('bad requests are refused with their codes', async () => {
  const { ask } = handlerFor(program('web'));
  await assert.rejects(ask({ cmd: 'stop', targets: ['nope'] }), { code: 'SUPD_E_NO_SUCH_PROCESS' });
  await assert.rejects(ask({ cmd: 'restart', targets: [] }), { code: 'SUPD_E_USAGE' });
  await assert.rejects(ask({ cmd: 'scale', unit: 'web', count: -1 }), { code: 'SUPD_E_USAGE' });
  await assert.rejects(ask({ cmd: 'describe', targets: ['web'] }), { code: 'SUPD_E_INTERNAL' });
  await assert.rejects(ask({ cmd: 'bogus' }), { code: 'SUPD_E_PROTOCOL' });
});
