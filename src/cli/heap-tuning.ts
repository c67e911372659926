// V8's young generation for the daemon. Node lets each semi-space grow to 16 MB under a burst
// of allocation (a spawn of 500 children is one) and keeps them: 32 MB committed, much of it
// resident, for a process whose live heap is 5-15 MB. Measured with bench/daemon-flags.js
// (docs/benchmarks.md): with 500 children, anonymous memory 20 s after start was 53 MB with
// Node's default and 29 MB with the semi-space held at 1 MB, respawn latency unchanged.
// --max-semi-space-size is read only when V8 sets its heap up, so applying it would need a
// re-exec of `supd run` (a second Node process in the foreground); the growth factor is read
// at each growth, so setting it to 1 at start keeps the 1 MB semi-space Node starts with, in
// this process, without one. SUPD_NODE_HEAP=node keeps Node's sizing (for comparison).
import { setFlagsFromString } from 'node:v8';

export const DAEMON_HEAP_FLAGS = ['--semi-space-growth-factor=1'];

export function tuneDaemonHeap(env: NodeJS.ProcessEnv): void {
  if (env.SUPD_NODE_HEAP === 'node') return;
  for (const flag of DAEMON_HEAP_FLAGS) setFlagsFromString(flag);
}
