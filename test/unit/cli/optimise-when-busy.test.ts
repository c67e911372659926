// The daemon turns V8's optimising compiler on at the first window in which it was busy, on a
// fake clock and a fake CPU counter; idle windows never do, and stop() ends the sampling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUSY_SHARE, optimiseWhenBusy, WINDOW_MS } from '../../../src/cli/optimise-when-busy.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function world() {
  const clock = new FakeClock();
  let cpu = 0;
  const turnedOn: number[] = [];
  const watch = optimiseWhenBusy({ clock: clock.asClock(), cpuMicros: () => cpu, optimise: () => turnedOn.push(clock.now), onBusy: () => undefined });
  /** The next window, with this share of one core used in it. */
  const window = (share: number) => {
    cpu += share * WINDOW_MS * 1000;
    clock.advance(WINDOW_MS);
  };
  return { clock, turnedOn, watch, window };
}

test('idle windows leave the compiler off; the first busy one turns it on, once, and sampling ends', () => {
  const { clock, turnedOn, window } = world();
  for (let i = 0; i < 10; i++) window(0.01);
  window(BUSY_SHARE * 0.9);
  assert.deepEqual(turnedOn, [], 'below the share: still off');
  window(BUSY_SHARE);
  assert.deepEqual(turnedOn, [12 * WINDOW_MS]);
  assert.equal(clock.pending, 0, 'no timer left once it is on');
  window(1);
  assert.equal(turnedOn.length, 1);
});

test('busy work before the watch starts (the start of every program) does not count', () => {
  const clock = new FakeClock();
  let cpu = 5_000_000; // 5 s of CPU spent starting
  const turnedOn: number[] = [];
  optimiseWhenBusy({ clock: clock.asClock(), cpuMicros: () => cpu, optimise: () => turnedOn.push(clock.now) });
  clock.advance(WINDOW_MS);
  cpu += 1000;
  clock.advance(WINDOW_MS);
  assert.deepEqual(turnedOn, []);
});

test('stop() cancels the sampling timer', () => {
  const { clock, turnedOn, watch, window } = world();
  watch.stop();
  assert.equal(clock.pending, 0);
  window(1);
  assert.deepEqual(turnedOn, []);
});
