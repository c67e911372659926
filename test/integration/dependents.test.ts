// Issue 14 bug 4: stopping one copy of a dependency leaves its dependents alone; they stop
// only when the dependency stops entirely, and start again with it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);

test('stop web:1 keeps app.* running; stop web stops them; start web brings them back', async () => {
  await withSupd(`
[programs.web]
command = [${node}, "${BIN}/forever.js"]
processes = 2
start_secs = "200ms"
[programs.app]
command = [${node}, "${BIN}/forever.js"]
depends_on = ["web"]
start_secs = "200ms"
[programs.app.methods.mailer]
processes = 2
[programs.app.methods.importer]
`, async (supd) => {
    const apps = ['app.mailer:0', 'app.mailer:1', 'app.importer:0'];
    const before = await Promise.all(apps.map((name) => supd.waitForState(name, 'running')));
    const stopOne = await supd.cli('stop', 'web:1');
    assert.equal(stopOne.code, 0, stopOne.stderr);
    assert.equal((await supd.proc('web:1')).state, 'stopped');
    for (const app of before) assert.deepEqual([(await supd.proc(app.name)).state, (await supd.proc(app.name)).pid], ['running', app.pid], `${app.name} untouched`);
    const startOne = await supd.cli('start', 'web:1');
    assert.equal(startOne.code, 0, startOne.stderr);
    for (const app of before) assert.equal((await supd.proc(app.name)).pid, app.pid, `${app.name} untouched by the start`);

    const stopAll = await supd.cli('stop', 'web');
    assert.equal(stopAll.code, 0, stopAll.stderr);
    for (const name of apps) assert.equal((await supd.proc(name)).state, 'stopped', `${name} stopped with web`);
    const startAll = await supd.cli('start', 'web');
    assert.equal(startAll.code, 0, startAll.stderr);
    for (const name of apps) await supd.waitForState(name, 'running');
    // A dependent stopped on its own stays stopped when its dependency comes back.
    assert.equal((await supd.cli('stop', 'app.importer')).code, 0);
    assert.equal((await supd.cli('stop', 'web')).code, 0);
    assert.equal((await supd.cli('start', 'web')).code, 0);
    await supd.waitForState('app.mailer:0', 'running');
    assert.equal((await supd.proc('app.importer:0')).state, 'stopped', 'stopped by hand, left stopped');
  });
});
