// Time-based rotation: a call at every multiple of the interval counted from local midnight,
// so "1d" comes at midnight and "1h" on the hour, whatever time supd started.

export interface IntervalTimer {
  stop(): void;
}

/** Calls `onBoundary` at each boundary until stopped; does nothing for no interval. */
export function startIntervalTimer(every: number | null, now: () => number, onBoundary: () => void): IntervalTimer {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = (at: number): void => {
    if (stopped) return;
    const left = at - now();
    if (left > 0) {
      // setTimeout takes at most 2^31-1 ms (about 24.8 days): longer waits go in steps.
      timer = setTimeout(() => arm(at), Math.min(left, 2 ** 31 - 1));
      timer.unref();
      return;
    }
    onBoundary();
    arm(nextBoundary(now(), every!));
  };
  if (every !== null && every > 0) arm(nextBoundary(now(), every));
  return {
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}

/** The next multiple of `every` after `now`, counted from a local midnight. */
export function nextBoundary(now: number, every: number): number {
  const offset = new Date(now).getTimezoneOffset() * 60_000;
  return (Math.floor((now - offset) / every) + 1) * every + offset;
}
