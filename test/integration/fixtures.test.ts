// The test fixtures themselves (test/helpers): withSupd, supdFor, onCleanup, withTempDir and
// assertStays do what the suite counts on, above all when a test fails.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { supdFor, withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { withTempDir } from '../helpers/temp.js';
import { assertStays, isAlive } from '../helpers/wait-for.js';

const CONFIG = `[programs.web]\ncommand = [${JSON.stringify(process.execPath)}, "${path.join(FIXTURES, 'bin', 'forever.js')}"]\n`;

interface Seen {
  supd: number;
  child: number;
  dir: string;
}

async function seen(supd: SupdUnderTest): Promise<Seen> {
  const web = await supd.waitForState('web:0', 'running');
  return { supd: supd.child.pid!, child: web.pid!, dir: supd.dir };
}

function assertGone(what: Seen, dirToo = true): void {
  assert.ok(!isAlive(what.supd), `supd ${what.supd} gone`);
  assert.ok(!isAlive(what.child), `its child ${what.child} gone`);
  assert.equal(existsSync(what.dir), !dirToo, dirToo ? 'the temp dir removed' : 'the temp dir kept');
}

describe('withSupd', () => {
  test('a body that throws: its error comes through (not a cleanup hook\'s), and supd, its child and the dir are gone', async () => {
    let what: Seen | undefined;
    await assert.rejects(
      withSupd(CONFIG, async (supd) => {
        what = await seen(supd);
        supd.onCleanup(() => {
          throw new Error('hook failed');
        });
        throw new Error('boom');
      }),
      /^Error: boom$/,
    );
    assertGone(what!);
  });

  test('returns what the body returns; keepDir keeps the dir for a later supd', async () => {
    const what = await withSupd(CONFIG, { keepDir: true }, seen);
    assertGone(what, false);
    rmSync(what.dir, { recursive: true, force: true });
  });

  test('onCleanup runs first, last registered first, while the dir is there; its error comes after the cleanup is done', async () => {
    const order: string[] = [];
    let what: Seen | undefined;
    await assert.rejects(
      withSupd(CONFIG, async (supd) => {
        what = await seen(supd);
        supd.onCleanup(() => {
          order.push(`first (dir there: ${existsSync(supd.dir)})`);
          throw new Error('hook failed');
        });
        supd.onCleanup(() => order.push(`second (supd alive: ${isAlive(supd.child.pid!)})`));
      }),
      /^Error: hook failed$/,
    );
    assert.deepEqual(order, ['second (supd alive: true)', 'first (dir there: true)']);
    assertGone(what!);
  });
});

test('supdFor: the supds a test started, cleaned up at its end (last started first), whatever it threw', async () => {
  const hooks: Array<() => unknown> = [];
  const t = { after: (fn: () => unknown) => void hooks.push(fn) };
  let first: Seen | undefined;
  let second: Seen | undefined;
  const body = async (): Promise<void> => {
    const a = await supdFor(t, CONFIG);
    first = await seen(a);
    a.child.kill('SIGKILL');
    const b = await supdFor(t, CONFIG, { reuse: a.temp });
    second = await seen(b);
    throw new Error('the test failed');
  };
  await assert.rejects(body(), /the test failed/);
  assert.equal(hooks.length, 1, 'one hook for all the supds of a test');
  assert.ok(isAlive(second!.supd), 'nothing cleaned up before the test ends');
  await hooks[0]!();
  assertGone(first!);
  assertGone(second!);
});

test('withTempDir: removed after the body, also when it throws', async () => {
  let dir = '';
  await assert.rejects(
    withTempDir('supd-fixture-', async (temp) => {
      dir = temp.dir;
      temp.write('a/b.txt', 'x');
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.match(path.basename(dir), /^supd-fixture-/);
  assert.equal(existsSync(dir), false);
});

describe('assertStays', () => {
  test('holds for the window: returns the last value, having polled throughout', async () => {
    let polls = 0;
    const value = await assertStays(() => ++polls, 200, 'counting', 10);
    assert.equal(value, polls);
    assert.ok(polls >= 3, `polled ${polls} times`);
  });

  test('fails at the first poll where the condition is false, not at the end of the window', async () => {
    let polls = 0;
    await assert.rejects(assertStays(() => ++polls < 3, 60_000, 'the count stays under 3', 1), (error: Error) => {
      assert.equal(error.name, 'AssertionError');
      assert.match(error.message, /^the count stays under 3: no longer held after \d+ ms of 60000 ms \(value: false\)$/);
      return true;
    });
    assert.equal(polls, 3, 'no poll after the first failure');
  });

  test('an error thrown by the condition fails it too', async () => {
    await assert.rejects(assertStays(() => { throw new Error('cannot tell'); }, 1000, 'x'), /cannot tell/);
  });
});
