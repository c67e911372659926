// Whether a promise settles (fulfilled or rejected) within `ms`. By default the timer does not
// keep Node running (an exit report must not hold supd up); `holdLoop` makes it (supd's exit
// waiting to reap its spawn helper, when nothing else would keep the loop alive).
export function settledWithin(promise: Promise<unknown>, ms: number, holdLoop = false): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    if (!holdLoop) timer.unref();
    const settled = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}
