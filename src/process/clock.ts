// Time as the core sees it: the current time and one-shot timers. The daemon uses the system
// clock; unit tests pass a fake one (test/helpers/fake-clock.ts) and move time themselves.

export interface Clock {
  now(): number;
  /** Calls fn once after delayMs; returns a function that cancels it. */
  schedule(fn: () => void, delayMs: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule: (fn, delayMs) => {
    const timer = setTimeout(fn, delayMs);
    return () => clearTimeout(timer);
  },
};
