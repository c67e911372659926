import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { ProcessStatus } from '../../src/control/protocol.js';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 7. A change that must NOT restart is shown with a sentinel: a second program that
// watches another dir, written after it with the same debounce. Events reach supd in order,
// so once the sentinel has restarted, a restart the first change would have caused has come.
const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const program = (name: string, extra: string): string => `
[programs.${name}]
command = [${node}, "${BIN}/forever.js"]
${extra.includes('start_secs') ? '' : 'start_secs = "200ms"'}
${extra}
`;

const byName = async (supd: SupdUnderTest): Promise<Record<string, ProcessStatus>> =>
  Object.fromEntries((await supd.status()).processes.map((p) => [p.name, p]));
// Polls every 100 ms: each poll is a `supd status` process, and 2 cores are shared with other tests.
const watchRestarted = (supd: SupdUnderTest, name: string, count: number) =>
  waitFor(async () => {
    const p = await supd.proc(name);
    return p.watch_restarts === count && p.state === 'running' ? p : null;
  }, { timeoutMs: 10_000, intervalMs: 100, what: `${name} watch-restarted ${count} times` });
const watching = (supd: SupdUnderTest, sets: number) =>
  waitFor(() => (supd.supdLog().match(/ watch: watching /g) ?? []).length >= sets, { what: `${sets} watchers set up` });

describe('watch', () => {
  test('a write under a watched dir restarts that program within debounce + 1 s; ignored files do not; others are untouched', async () => {
    const config =
      program('web', 'watch = { paths = ["src"], ignore = ["*.tmp"], debounce = "300ms" }') +
      program('sentinel', 'watch = { paths = ["sentinel"], debounce = "300ms" }') +
      program('other', '');
    await withSupd(config, { files: { 'src/.keep': '', 'sentinel/.keep': '' } }, async (supd) => {
      await watching(supd, 2);
      const old = await waitFor(async () => {
        const procs = await byName(supd);
        return Object.values(procs).every((p) => p.state === 'running') ? procs : null;
      });
      supd.temp.write('src/notes.tmp', 'x');
      supd.temp.write('src/app.js.swp', 'x');
      supd.temp.write('src/node_modules/dep/index.js', 'x');
      supd.temp.write('src/.git/index', 'x');
      supd.temp.write('sentinel/go', 'x');
      await watchRestarted(supd, 'sentinel:0', 1);
      assert.equal((await supd.proc('web:0')).watch_restarts, 0, 'ignored files restart nothing');

      const writtenAt = Date.now();
      supd.temp.write('src/app.js', 'x');
      const web = await watchRestarted(supd, 'web:0', 1);
      assert.notEqual(web.pid, old['web:0']!.pid);
      const spawned = await waitFor(() => supd.supdLog().match(new RegExp(`^(\\S+) INFO  \\[web:0\\] spawned pid ${web.pid}:`, 'm')));
      const tookMs = Date.parse(spawned[1]!) - writtenAt;
      assert.ok(tookMs <= 300 + 1000, `restarted ${tookMs} ms after the write`);
      assert.match(supd.supdLog(), /\[web\] watch: \S+\/src\/app\.js changed( \(\d+ changes\))?: restarting/);

      const other = await supd.proc('other:0');
      assert.equal(other.pid, old['other:0']!.pid, 'the other program keeps its pid');
      assert.deepEqual([other.restarts, other.watch_restarts], [0, 0]);
      assert.equal(web.restarts, 1, 'a watch restart counts in restarts too');
    });
  });

  test('1,000 files written in a burst (new dirs too, like a checkout) cause exactly one restart', async () => {
    await withSupd(program('web', 'watch = ["src"]') + program('sentinel', 'watch = ["sentinel"]'), {
      files: { 'src/.keep': '', 'sentinel/.keep': '' },
    }, async (supd) => {
      await watching(supd, 2);
      await supd.waitForState('web:0', 'running');
      for (let i = 0; i < 1000; i++) {
        const dir = path.join(supd.dir, 'src', `pkg${i % 10}`);
        if (i < 10) mkdirSync(dir);
        writeFileSync(path.join(dir, `f${i}.js`), `// ${i}\n`);
      }
      await watchRestarted(supd, 'web:0', 1);
      supd.temp.write('sentinel/go', 'x');
      await watchRestarted(supd, 'sentinel:0', 1);
      const web = await supd.proc('web:0');
      assert.deepEqual([web.watch_restarts, web.restarts], [1, 1], 'one restart for the burst');
      const lines = supd.supdLog().match(/\[web\] watch: .* changed \((\d+) changes\): restarting/g) ?? [];
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.ok(Number(/\((\d+) changes\)/.exec(lines[0]!)![1]) >= 1000, lines[0]);
    });
  });

  test('a 4-copy rolling program never has fewer than 3 running during a watch restart', async () => {
    await withSupd(program('pool', 'processes = 4\nrestart_strategy = "rolling"\nstart_secs = "1s"\nwatch = { paths = ["src"], debounce = "200ms" }'), { files: { 'src/.keep': '' } }, async (supd) => {
      await watching(supd, 1);
      const old = await waitFor(async () => {
        const procs = Object.values(await byName(supd));
        return procs.every((p) => p.state === 'running') ? procs : null;
      });
      supd.temp.write('src/app.js', 'x');
      const deadline = Date.now() + 20_000;
      let fewest = 4;
      let polls = 0;
      for (;;) {
        const procs = (await supd.status()).processes;
        fewest = Math.min(fewest, procs.filter((p) => p.state === 'running').length);
        polls++;
        if (procs.every((p) => p.state === 'running' && p.pid !== old.find((o) => o.name === p.name)!.pid)) break;
        assert.ok(Date.now() < deadline, `rolling restart not done: ${JSON.stringify(procs.map((p) => [p.name, p.state]))}`);
      }
      assert.ok(polls >= 3, `polled ${polls} times`);
      assert.ok(fewest >= 3, `fewest running was ${fewest}`);
      assert.deepEqual((await supd.status()).processes.map((p) => p.watch_restarts), [1, 1, 1, 1]);
    });
  });

  test('a path that does not exist yet is watched for its creation, with a warning; a reload moves the watch, no restart', async () => {
    const watchOf = (paths: string) => program('app', `watch = { paths = [${paths}], debounce = "200ms" }`);
    await withSupd(watchOf('"later/conf.json"'), { files: { 'other/.keep': '' } }, async (supd) => {
      await watching(supd, 1);
      assert.match(supd.supdLog(), /WARN  \[app\] watch: \S+\/later\/conf\.json does not exist; watching \S+ for its creation/);
      const before = await supd.waitForState('app:0', 'running');
      supd.temp.write('later/conf.json', '{}');
      await watchRestarted(supd, 'app:0', 1);

      writeFileSync(supd.config, watchOf('"other"'));
      const reload = await supd.cli('reload');
      assert.equal(reload.stdout.trim(), 'changed app (applied without restart)', reload.stderr);
      await waitFor(() => /stopped watching \S+\/later\/conf\.json/.test(supd.supdLog()) && (supd.supdLog().match(/ watch: watching /g) ?? []).length === 2, {
        what: 'the watch moved',
      });
      const pid = (await supd.proc('app:0')).pid;
      supd.temp.write('later/conf.json', '{"again":1}');
      supd.temp.write('other/x', 'x');
      await watchRestarted(supd, 'app:0', 2);
      assert.match(supd.supdLog(), /\[app\] watch: \S+\/other\/x changed/, 'the old path is no longer watched');
      assert.doesNotMatch(supd.supdLog(), /\[app\] watch: \S+\/later\/conf\.json changed[^\n]*\n(.|\n)*\[app\] watch: \S+\/later\/conf\.json changed/);
      assert.notEqual(pid, before.pid);
    });
  });

  test('watching the config dir itself: what supd writes there (logs, state) restarts nothing', async () => {
    await withSupd(program('root', 'watch = { paths = ["."], debounce = "200ms" }') + program('other', ''), async (supd) => {
      await watching(supd, 1);
      await supd.waitForState('root:0', 'running');
      assert.equal((await supd.cli('restart', 'other')).code, 0, 'output, supd.log and the state dir are written');
      supd.temp.write('sentinel.txt', 'x');
      await watchRestarted(supd, 'root:0', 1);
      assert.match(supd.supdLog(), /\[root\] watch: \S+\/sentinel\.txt changed/, 'the first change seen is the sentinel');
    });
  });
});
