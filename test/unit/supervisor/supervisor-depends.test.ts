// depends_on through the Supervisor (the dependency gate): held back on start and on respawn,
// released when the dependency runs; started first, stopped after. Fake children, fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeWorld, program, settle, states } from './fake-world.js';

test('a dependent is held back on start until its dependency runs, then released', async () => {
  const { supervisor, children } = fakeWorld(program('db', 'autostart = false') + program('web', 'depends_on = ["db"]'));
  supervisor.startAll();
  assert.deepEqual(states(supervisor), ['db:0: stopped', 'web:0: stopped']);
  assert.equal(supervisor.get('web:0')!.reason, 'waiting for db');
  assert.equal(supervisor.get('web:0')!.wanted, 'up');
  assert.equal(children.countOf('web.js'), 0);
  const [db] = await supervisor.start(['db:0'], { timeoutMs: 5000 });
  assert.equal(db!.ok, true);
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running']);
  assert.equal(children.countOf('web.js'), 1);
});

test('starting a dependent starts what it depends on first', async () => {
  const { supervisor, lines } = fakeWorld(program('db', 'autostart = false') + program('web', 'autostart = false\ndepends_on = ["db"]'));
  supervisor.startAll();
  const outcomes = await supervisor.start(['web:0'], { timeoutMs: 5000 });
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok} ${o.state}`), ['web:0 true running']);
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running']);
  assert.ok(lines.includes('db:0: starting it first: web depends on db'), lines.join('\n'));
});

test('a respawn is held too while the dependency is down, and released when it runs again', async () => {
  const { supervisor, children } = fakeWorld(program('db', 'restart = "never"') + program('web', 'depends_on = ["db"]'));
  supervisor.startAll();
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running']);
  children.liveOf('db.js')!.exit(1);
  await settle();
  assert.equal(supervisor.get('db:0')!.state, 'exited');
  children.liveOf('web.js')!.exit(1);
  await settle();
  assert.deepEqual(states(supervisor), ['db:0: exited', 'web:0: stopped']);
  assert.equal(supervisor.get('web:0')!.reason, 'waiting for db');
  assert.equal(children.countOf('web.js'), 1, 'no respawn while db is down');
  await supervisor.start(['db:0'], { timeoutMs: 5000 });
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running']);
  assert.equal(children.countOf('web.js'), 2);
});

test('start --wait on a dependent whose dependency cannot start times out on the fake clock, saying why', async () => {
  const { supervisor, children, clock } = fakeWorld(program('db', 'autostart = false\nstart_secs = "5s"\nrestart = "never"') + program('web', 'autostart = false\ndepends_on = ["db"]'));
  children.crashing.set('db.js', 1);
  supervisor.startAll();
  const starting = supervisor.start(['web:0'], { timeoutMs: 1000 });
  await settle();
  assert.equal(supervisor.get('web:0')!.state, 'stopped');
  assert.equal(children.countOf('web.js'), 0);
  clock.advance(1000);
  const [web] = await starting;
  assert.equal(web!.ok, false);
  assert.match(web!.message!, /^timed out after 1s: still stopped, (waiting for db|dependency db is fatal): db:0 is (exited|fatal)/);
});

test('stopping a dependency stops its dependents first, and starting it again brings them back', async () => {
  const { supervisor } = fakeWorld(program('db') + program('web', 'depends_on = ["db"]') + program('other'));
  supervisor.startAll();
  const order: string[] = [];
  supervisor.events.on('process:state', ({ name, to }) => to === 'stopped' && order.push(name));
  const outcomes = await supervisor.stop(['db:0'], { timeoutMs: 5000 });
  assert.deepEqual(order, ['web:0', 'db:0']);
  assert.deepEqual(outcomes.map((o) => `${o.name} ${o.ok} ${o.note ?? ''}`), ['web:0 true depends on db', 'db:0 true ']);
  assert.deepEqual(states(supervisor), ['db:0: stopped', 'web:0: stopped', 'other:0: running']);
  await supervisor.start(['db:0'], { timeoutMs: 5000 });
  await settle();
  assert.deepEqual(states(supervisor), ['db:0: running', 'web:0: running', 'other:0: running']);
});
