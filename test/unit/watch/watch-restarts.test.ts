import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { SupdConfig } from '../../../src/config/types.js';
import { SupervisorEmitter } from '../../../src/supervisor/events.js';
import { WatchRestarts, type WatchHost } from '../../../src/watch/watch-restarts.js';
import { makeTempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

// WatchRestarts over a fake supervisor: the restarts it asks for, on a real temp dir.
function setup(units: Record<string, { paths: string[]; debounceMs?: number }>, dirs: string[]) {
  const temp = makeTempDir('supd-watch-');
  for (const dir of dirs) temp.write(`${dir}/.keep`, '');
  const config = (spec: typeof units): SupdConfig =>
    ({
      file: path.join(temp.dir, 'daemons.toml'),
      supervisor: { logDir: path.join(temp.dir, 'logs'), stateDir: path.join(temp.dir, '.supd') },
      units: Object.entries(spec).map(([name, w]) => ({
        name,
        stdout: null,
        stderr: null,
        watch: { paths: w.paths.map((p) => path.join(temp.dir, p)), ignore: [], debounceMs: w.debounceMs ?? 100 },
      })),
    }) as unknown as SupdConfig;
  const restarts: { unit: string; file: string }[] = [];
  const held = new Map<string, (() => void) | null>();
  const host: WatchHost & { currentConfig: SupdConfig } = {
    currentConfig: config(units),
    events: new SupervisorEmitter(),
    restartUnitForWatch: (unit, file) => {
      restarts.push({ unit, file: path.relative(temp.dir, file) });
      return held.has(unit) ? new Promise<void>((resolve) => held.set(unit, resolve)) : Promise.resolve();
    },
  };
  const lines: string[] = [];
  const log = { debug: () => undefined, info: (m: string, n?: string) => lines.push(`${n} ${m}`), warn: (m: string, n?: string) => lines.push(`${n} ${m}`), error: (m: string) => lines.push(m) };
  const watching = new WatchRestarts(host, log);
  const reload = (spec: typeof units): Promise<void> => {
    host.currentConfig = config(spec);
    host.events.emit('config:reloaded', { lines: [], live: [] });
    return watching.ready;
  };
  const countOf = (unit: string): number => restarts.filter((r) => r.unit === unit).length;
  return {
    temp, watching, restarts, lines, reload, countOf,
    /** The unit's restarts run until finish(unit). */
    hold: (unit: string) => held.set(unit, null),
    finish: (unit: string) => {
      held.get(unit)?.();
      held.delete(unit);
    },
    done: () => {
      watching.close();
      temp.remove();
    },
  };
}

test('watch restarts: programs watching the same paths share one watcher; a burst is one restart each', async () => {
  const w = setup({ a: { paths: ['src'] }, b: { paths: ['src'], debounceMs: 300 }, c: { paths: ['other'] } }, ['src', 'other']);
  try {
    await w.watching.ready;
    assert.deepEqual(w.watching.describe().map((s) => s.units), [['a', 'b'], ['c']]);
    for (let i = 0; i < 300; i++) w.temp.write(`src/f${i % 30}/g${i}.js`, 'x');
    await waitFor(() => w.countOf('a') === 1 && w.countOf('b') === 1, { what: 'a and b restarted' });
    w.temp.write('other/sentinel', 'x');
    await waitFor(() => w.countOf('c') === 1, { what: 'c restarted' });
    assert.equal(w.countOf('a'), 1, 'one restart for the whole burst');
    assert.equal(w.countOf('b'), 1);
    assert.match(w.restarts[0]!.file, /^src\/f0/, 'the first changed path');
    assert.ok(w.lines.some((l) => /^a watch: .*src\/f0.* changed \(\d+ changes\): restarting$/.test(l)), w.lines.join('\n'));
  } finally {
    w.done();
  }
});

test('watch restarts: changes during a restart make one more restart after it', async () => {
  const w = setup({ a: { paths: ['src'] }, sentinel: { paths: ['s'] } }, ['src', 's']);
  try {
    await w.watching.ready;
    w.hold('a');
    w.temp.write('src/one.js', 'x');
    await waitFor(() => w.countOf('a') === 1, { what: 'the first restart' });
    w.temp.write('src/two.js', 'x');
    w.temp.write('src/three.js', 'x');
    w.temp.write('s/x', 'x');
    await waitFor(() => w.countOf('sentinel') === 1, { what: 'the sentinel, whose debounce ends after the one of a' });
    assert.equal(w.countOf('a'), 1, 'none while one runs');
    w.finish('a');
    await waitFor(() => w.countOf('a') === 2, { what: 'the second restart' });
    assert.equal(w.restarts.filter((r) => r.unit === 'a')[1]!.file, 'src/two.js', 'the first change since the last restart');
  } finally {
    w.done();
  }
});

test('watch restarts: a reload sets up, changes and closes watchers', async () => {
  const w = setup({ a: { paths: ['x'] }, b: { paths: ['x'] } }, ['x', 'y', 'z']);
  try {
    await w.watching.ready;
    await w.reload({ a: { paths: ['y'] }, c: { paths: ['z'] } });
    assert.deepEqual(w.watching.describe().map((s) => s.units), [['a'], ['c']]);
    assert.ok(w.lines.some((l) => /stopped watching .*\/x$/.test(l)));
    w.temp.write('x/f', 'x');
    w.temp.write('y/f', 'x');
    await waitFor(() => w.countOf('a') === 1, { what: 'a restarted for y' });
    w.temp.write('z/f', 'x');
    await waitFor(() => w.countOf('c') === 1, { what: 'c restarted for z' });
    assert.deepEqual(w.restarts.map((r) => `${r.unit} ${r.file}`), ['a y/f', 'c z/f'], 'x is no longer watched; b is gone');
    await w.reload({});
    assert.deepEqual(w.watching.describe(), []);
  } finally {
    w.done();
  }
});
