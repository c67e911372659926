#!/usr/bin/env node
// V8 heap flags for the daemon, measured: supd run under each set of Node options with 0, 100
// and 500 sleeping children (RSS, PSS and anonymous memory from /proc 1 s after all run and
// again after an idle window, CPU over that window), then the crash-to-respawn latency of one
// child. The variants run interleaved
// size by size, so a change of load hits them alike.
//
//   npm run bench -- daemon-flags [--quick]
//   node bench/daemon-flags.js [--quick] [--variants "node;supd;--max-semi-space-size=1;..."]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readCpuSeconds, readMemory, sleep } from './supervisor/proc.js';
import { measureRespawn, waitRunning } from './supervisor/scenarios.js';
import { supd } from './supervisor/supd.js';

const RESULTS = fileURLToPath(new URL('./results/daemon-flags.json', import.meta.url));
// `node`: Node's own V8 settings (SUPD_NODE_V8=node); `supd`: what supd run sets at start
// (src/cli/heap-tuning.ts); the others: Node options on top of Node's settings.
const DEFAULT_VARIANTS = ['node', 'supd', '--max-semi-space-size=1', '--max-semi-space-size=2', '--max-semi-space-size=4'];
const driverFor = (variant) => ({
  ...supd,
  nodeFlags: variant === 'node' || variant === 'supd' ? [] : variant.split(' '),
  env: variant === 'supd' ? {} : { SUPD_NODE_V8: 'node' },
});
const say = (line) => process.stderr.write(`${line}\n`);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

export async function run({ argv = process.argv.slice(2) } = {}) {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--variants');
  const variants = at === -1 ? DEFAULT_VARIANTS : argv[at + 1].split(';');
  const plan = quick
    ? { sizes: [0, 100], idleMs: 5_000, respawns: 6, respawnTimeoutMs: 30_000, crashers: 1 }
    : { sizes: [0, 100, 500], idleMs: 20_000, respawns: 15, respawnTimeoutMs: 60_000, crashers: 1 };
  const root = mkdtempSync(path.join(os.tmpdir(), 'supd-bench-flags-'));
  const live = new Set();
  const track = (driver, handle) => {
    const entry = { driver, handle };
    live.add(entry);
    return () => live.delete(entry);
  };
  const results = Object.fromEntries(variants.map((v) => [v, { sizes: {} }]));
  say(`daemon flags: ${variants.length} variants, sizes ${plan.sizes.join('/')}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  try {
    for (const n of plan.sizes) {
      for (const variant of variants) {
        const driver = driverFor(variant);
        results[variant].sizes[n] = await measureOne(driver, path.join(root, `${n}-${variants.indexOf(variant)}`), n, plan, track);
        const r = results[variant].sizes[n];
        say(`  ${variant}, ${n} children: until running ${(r.untilRunningMs / 1000).toFixed(2)} s (CPU ${r.startCpuSeconds.toFixed(2)} s); at 1 s RSS ${mb(r.at1s.rss)} anon ${mb(r.at1s.anon)} MB; after ${plan.idleMs / 1000} s RSS ${mb(r.afterIdle.rss)} PSS ${mb(r.afterIdle.pss)} anon ${mb(r.afterIdle.anon)} MB, CPU ${r.cpuSeconds.toFixed(2)} s`);
      }
    }
    for (const variant of variants) {
      const driver = driverFor(variant);
      const r = await measureRespawn(driver, path.join(root, `respawn-${variants.indexOf(variant)}`), plan, track);
      results[variant].respawn = r;
      say(`  ${variant}: respawn p50 ${r.p50Ms?.toFixed(1)} ms, p95 ${r.p95Ms?.toFixed(1)} ms over ${r.count}`);
    }
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: os.loadavg(), plan, results }, null, 2)}\n`);
    return results;
  } finally {
    for (const { driver, handle } of live) driver.forceStop(handle);
    rmSync(root, { recursive: true, force: true });
  }
}

async function measureOne(driver, dir, n, plan, track) {
  mkdirSync(dir, { recursive: true });
  const since = performance.now();
  const handle = await driver.start(dir, [{ name: 'sleep', argv: ['/usr/bin/sleep', '100000'], count: n, startSecs: 0 }]);
  const untrack = track(driver, handle);
  try {
    const ready = await waitRunning(driver, handle, n, since, 120_000);
    if (ready.ms === null) throw new Error(`only ${ready.count} of ${n} running`);
    await sleep(1000);
    const at1s = readMemory(handle.pid);
    const cpu = readCpuSeconds(handle.pid);
    await sleep(plan.idleMs);
    return { untilRunningMs: ready.ms, startCpuSeconds: cpu, at1s, afterIdle: readMemory(handle.pid), cpuSeconds: readCpuSeconds(handle.pid) - cpu };
  } finally {
    await driver.stop(handle);
    untrack();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    say(error.stack ?? String(error));
    process.exitCode = 1;
  });
}
