// Reload through the Supervisor: the config diff applied (added, removed, changed, scaled,
// unchanged), a dry run that changes nothing, reloads in turn. Fake children, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWorld, program, settle, states } from './fake-world.js';

const before = program('web', 'processes = 2') + program('api') + program('old');

test('reload applies the diff: added started, removed stopped and gone, changed restarted, unchanged untouched', async () => {
  const { supervisor, children, config } = fakeWorld(before);
  supervisor.startAll();
  const api = children.liveOf('api.js');
  const reloaded: Array<{ lines: readonly string[]; live: readonly string[] }> = [];
  supervisor.events.on('config:reloaded', (e) => reloaded.push(e));
  const next = program('web', 'processes = 3\nenv = { MODE = "new" }') + program('api') + program('worker');
  const result = await supervisor.reload(config(next));
  assert.deepEqual([...result.lines].sort(), ['added worker', 'changed web (restarted 2, scaled 2 -> 3)', 'removed old', 'unchanged api']);
  assert.deepEqual(result.refused, []);
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: running', 'web:1: running', 'web:2: running', 'api:0: running', 'worker:0: running']);
  assert.equal(children.liveOf('api.js'), api, 'api untouched');
  assert.equal(children.liveOf('web.js')!.request.env.MODE, 'new');
  assert.equal(children.spawned.filter((c) => c.request.argv.includes('web.js') && c.request.env.MODE === 'new').length, 3);
  assert.equal(supervisor.currentConfig.units.some((u) => u.name === 'old'), false);
  assert.deepEqual(reloaded.map((e) => e.lines.length), [4]);
});

test('a change that applies live restarts nothing and is named in config:reloaded', async () => {
  const { supervisor, children, config } = fakeWorld(program('web'));
  supervisor.startAll();
  const first = children.liveOf('web.js');
  let live: readonly string[] = [];
  supervisor.events.on('config:reloaded', (e) => (live = e.live));
  const result = await supervisor.reload(config(program('web', 'max_memory = "100M"')));
  assert.deepEqual(result.lines, ['changed web (applied without restart)']);
  assert.deepEqual(live, ['web']);
  assert.equal(children.liveOf('web.js'), first);
});

test('reload --dry-run says what would change and changes nothing', async () => {
  const { supervisor, children, config } = fakeWorld(before);
  supervisor.startAll();
  const preview = supervisor.previewReload(config(program('web', 'processes = 1') + program('api', 'env = { V = "2" }')));
  assert.deepEqual([...preview.lines].sort(), ['changed api (restarted 1)', 'removed old', 'scaled web 2 -> 1']);
  assert.deepEqual(states(supervisor), ['web:0: running', 'web:1: running', 'api:0: running', 'old:0: running']);
  assert.equal(children.spawned.length, 4);
});

test('reloads apply one after another; keys that cannot change while supd runs are refused and kept', async () => {
  const { supervisor, config } = fakeWorld(before);
  supervisor.startAll();
  const socketBefore = supervisor.currentConfig.supervisor.socket;
  const first = supervisor.reload(config(program('web')));
  const second = supervisor.reload(config(`[supervisor]\nsocket = "/tmp/other.sock"\n${program('web')}${program('extra')}`));
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([...a.lines].sort(), ['removed api', 'removed old', 'scaled web 2 -> 1']);
  assert.deepEqual([...b.lines].sort(), ['added extra', 'unchanged web']);
  assert.deepEqual(b.refused, ['supervisor.socket']);
  assert.equal(supervisor.currentConfig.supervisor.socket, socketBefore);
  await settle();
  assert.deepEqual(states(supervisor), ['web:0: running', 'extra:0: running']);
});

test('an autostart dependent added by reload starts its dependency first', async () => {
  const { supervisor, config, lines } = fakeWorld(program('db', 'autostart = false'));
  supervisor.startAll();
  const result = await supervisor.reload(config(program('db', 'autostart = false') + program('web', 'depends_on = ["db"]')));
  assert.deepEqual(result.lines, ['unchanged db', 'added web']);
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running']);
  assert.ok(lines.includes('db:0: starting it first: web depends on db'), lines.join('\n'));
});
