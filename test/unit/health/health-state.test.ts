import assert from 'node:assert/strict';
import { test } from 'node:test';
import { INITIAL_HEALTH, stepHealth } from '../../../src/health/health-state.js';

const spec = { retries: 3, startPeriodMs: 1000 };

test('healthy after a pass; unhealthy and restart after retries failures in a row', () => {
  let state = stepHealth(INITIAL_HEALTH, true, spec, 2000).state;
  assert.deepEqual(state, { healthy: true, failures: 0 });
  for (let i = 1; i <= 2; i++) {
    const step = stepHealth(state, false, spec, 2000);
    assert.equal(step.restart, false);
    assert.equal(step.state.failures, i);
    assert.equal(step.state.healthy, true, 'still healthy until retries');
    state = step.state;
  }
  const third = stepHealth(state, false, spec, 2000);
  assert.deepEqual(third, { state: { healthy: false, failures: 3 }, restart: true });
});

test('a pass in between resets the count', () => {
  const one = stepHealth(INITIAL_HEALTH, false, spec, 2000).state;
  const reset = stepHealth(one, true, spec, 2000).state;
  assert.equal(stepHealth(stepHealth(reset, false, spec, 2000).state, false, spec, 2000).restart, false);
});

test('failures inside start_period do not count', () => {
  let state = INITIAL_HEALTH;
  for (let i = 0; i < 5; i++) state = stepHealth(state, false, spec, 500).state;
  assert.deepEqual(state, INITIAL_HEALTH);
});
