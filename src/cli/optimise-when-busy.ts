// supd runs without V8's optimising compiler (bin/supd.js sets --no-turbofan --no-maglev before
// the bundle loads): most of what a supervisor does is one-off (start a child, answer a status)
// between long waits, and optimising it costs more CPU than it saves, plus 3-4 MB of the node
// binary paged in and the optimised code's memory (docs/benchmarks.md, "V8 flags for the
// daemon"). Sustained work is the exception: thousands of processes churning, a status poller
// at 5,000 processes, a program flooding the console. So once the start is over, supd samples
// its own CPU time every WINDOW_MS, and the first window in which it was busy for BUSY_SHARE of
// it turns TurboFan on for good (V8 reads the flag at each tier-up decision). The start itself
// never counts: starting 500 children keeps supd busy for a second and is never repeated.
import { setFlagsFromString } from 'node:v8';
import type { Clock } from '../process/clock.js';

export const WINDOW_MS = 5000;
/** Of one core, over a window: 10% is 0.5 s of CPU in 5 s. Idle with 500 children supd uses
 * about 0.02 s; a status poll of 5,000 processes every 5 s about 0.05; 5,000 processes of which
 * a tenth restart every 2-6 s about 1.3 s (measured with bench/scale.js). */
export const BUSY_SHARE = 0.1;

export interface BusyWatch {
  stop(): void;
}

export interface BusyWatchOptions {
  readonly clock: Clock;
  /** CPU time used so far by this process, in microseconds (user + system). */
  readonly cpuMicros?: () => number;
  /** Turns the optimising compiler on; said once. */
  readonly optimise?: () => void;
  readonly onBusy?: (share: number) => void;
}

export function optimiseWhenBusy(options: BusyWatchOptions): BusyWatch {
  const { clock } = options;
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const optimise = options.optimise ?? (() => setFlagsFromString('--turbofan'));
  let since = clock.now();
  let used = cpuMicros();
  let cancel: (() => void) | null = null;
  const sample = (): void => {
    const now = clock.now();
    const cpu = cpuMicros();
    const share = (cpu - used) / 1000 / Math.max(1, now - since);
    since = now;
    used = cpu;
    if (share >= BUSY_SHARE) {
      cancel = null;
      optimise();
      options.onBusy?.(share);
      return;
    }
    cancel = clock.schedule(sample, WINDOW_MS);
  };
  cancel = clock.schedule(sample, WINDOW_MS);
  return {
    stop() {
      cancel?.();
      cancel = null;
    },
  };
}

function processCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
