// A clock for code that takes `now` and a Schedule: time moves only when the test says so.
export class FakeClock {
  now = 0;
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  readonly schedule = (fn: () => void, delayMs: number): (() => void) => {
    const timer = { at: this.now + delayMs, fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  };

  /** Moves time forward, running every timer that comes due, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }

  /** This clock as the core's Clock (src/process/clock.ts). */
  asClock(): { now(): number; schedule(fn: () => void, delayMs: number): () => void } {
    return { now: () => this.now, schedule: this.schedule };
  }

  get pending(): number {
    return this.timers.length;
  }
}
