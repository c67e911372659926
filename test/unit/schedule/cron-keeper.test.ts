import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronKeeper, type CronJob } from '../../../src/schedule/cron-keeper.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const job = (id: string, schedule: string, timezone: string | null = null): CronJob => ({ id, schedule, timezone, label: id, logger: quiet, run: () => undefined });

test('CronKeeper keeps an unchanged job\'s task, replaces a changed one, destroys a gone one', () => {
  const keeper = new CronKeeper();
  try {
    assert.deepEqual(keeper.sync([job('a', '0 0 1 1 *'), job('b', '0 0 1 1 *')]).map((j) => j.id), ['a', 'b']);
    assert.ok(keeper.nextRun('a') instanceof Date);
    assert.deepEqual(keeper.sync([job('a', '0 0 1 1 *'), job('b', '0 0 2 1 *')]).map((j) => j.id), ['b'], 'a reload keeps a, replaces b');
    assert.deepEqual(keeper.sync([job('a', '0 0 1 1 *', 'UTC')]).map((j) => j.id), ['a'], 'a new time zone is a new task');
    assert.equal(keeper.nextRun('b'), null, 'b is gone');
    assert.deepEqual(keeper.sync([job('a', '0 0 1 1 *', 'UTC')]), []);
  } finally {
    keeper.stopAll();
  }
  assert.equal(keeper.nextRun('a'), null);
});
