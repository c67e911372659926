// The one way reports and alerts wait: a function that runs `fn` after `delayMs` and returns
// its cancel. Tests pass a fake clock; supd passes setTimeout.
export type Schedule = (fn: () => void, delayMs: number) => () => void;

export const scheduleTimeout: Schedule = (fn, delayMs) => {
  const timer = setTimeout(fn, delayMs);
  return () => clearTimeout(timer);
};
