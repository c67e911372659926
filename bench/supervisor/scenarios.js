// The measurements, each the same for every tool: start N sleeping children and time until
// the tool reports them all running; its RSS; the status CLI's wall time; CPU while idle;
// and crash-to-respawn latency from timestamps the children write themselves.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { median, percentile, readCpuSeconds, readMemory, readRss, sleep, timeCommand } from './proc.js';

const SLEEP_ARGV = ['/usr/bin/sleep', '100000'];

// The crashing child: its own start time, a life past start_secs, its exit time, exit 1.
// bash's $EPOCHREALTIME is read without a fork, so the stamps cost microseconds.
export const CRASH_SCRIPT = `#!/bin/bash
# $1: the file to append stamps to; $2: seconds to live (more than start_secs)
echo "start $EPOCHREALTIME" >> "$1"
sleep "$2"
echo "exit $EPOCHREALTIME" >> "$1"
exit 1
`;

/** Polls the tool's own status until n processes are running; ms since `since`, or null. */
export async function waitRunning(driver, handle, n, since, timeoutMs) {
  let polls = 0;
  let count = null;
  for (;;) {
    const asked = performance.now();
    count = await driver.runningCount(handle);
    polls++;
    const now = performance.now();
    if (count !== null && count >= n) return { ms: now - since, polls };
    if (now - since > timeoutMs) return { ms: null, polls, count };
    // Ask often, but never let the asking take more than a fifth of the daemon's time.
    await sleep(Math.min(250, Math.max(20, 4 * (now - asked))));
  }
}

/** One tool with n sleeping children: time until all run, RSS, status CLI, idle CPU. */
export async function measureSize(driver, dir, n, plan, track) {
  mkdirSync(dir, { recursive: true });
  const programs = [{ name: 'sleep', argv: SLEEP_ARGV, count: n, startSecs: 0 }];
  const since = performance.now();
  const handle = await driver.start(dir, programs);
  const untrack = track(driver, handle);
  const result = { children: n };
  try {
    const ready = await waitRunning(driver, handle, n, since, plan.startTimeoutMs);
    if (ready.ms === null) throw new Error(`${driver.name}: only ${ready.count ?? 'no answer'} of ${n} running after ${plan.startTimeoutMs / 1000} s`);
    result.untilRunningMs = ready.ms;
    result.polls = ready.polls;
    await sleep(plan.settleMs);
    const pid = driver.daemonPid(handle);
    result.pid = pid;
    result.rssBytes = readRss(pid);
    result.memory = readMemory(pid);
    if (plan.idleSizes.includes(n)) {
      // Idle before the status runs, which leave garbage for the collector; and after the
      // collector has dealt with the spawn burst's: V8's memory reducer runs a few full
      // collections over the 10-25 s after a burst (about 0.05 CPU-s for supd, once). The
      // memory figures after idling are read at the end of the same window as the CPU.
      await sleep(plan.idleSettleMs);
      const before = readCpuSeconds(pid);
      await sleep(plan.idleMs);
      result.idleCpuSeconds = readCpuSeconds(pid) - before;
      result.idleSeconds = plan.idleMs / 1000;
      result.rssAfterIdleBytes = readRss(pid);
      result.memoryAfterIdle = readMemory(pid);
      result.runningAfterIdle = await driver.runningCount(handle);
    }
    if (plan.statusSizes.includes(n)) result.status = await measureStatus(driver, handle, plan.statusRuns);
  } finally {
    const stopped = performance.now();
    result.leftAfterStop = await driver.stop(handle);
    result.stopMs = performance.now() - stopped;
    untrack();
  }
  return result;
}

/** Wall time of the status command (one warm-up run, then `runs`), median and all. */
async function measureStatus(driver, handle, runs) {
  const { file, args, env } = driver.statusCommand(handle);
  const first = await timeCommand(file, args, { env });
  const times = [];
  for (let i = 0; i < runs; i++) times.push((await timeCommand(file, args, { env })).ms);
  return { medianMs: median(times), times, warmupMs: first.ms, exitCode: first.code, outputBytes: first.stdout.length };
}

/**
 * A child that lives past start_secs (1.5 s against 1 s), then exits 1; latency = its next
 * start stamp - its exit stamp. One child at a time (plan.crashers = 1): another child's exit
 * would wake a supervisor that otherwise sleeps on a timer (supervisord's 1 s tick) early.
 */
export async function measureRespawn(driver, dir, plan, track) {
  mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'crash.sh');
  writeFileSync(script, CRASH_SCRIPT);
  chmodSync(script, 0o755);
  const programs = Array.from({ length: plan.crashers }, (_, i) => ({
    name: `crash${i}`,
    argv: ['/bin/bash', script, path.join(dir, `stamps-${i}.log`), (1.5 + 0.1 * i).toFixed(1)],
    count: 1,
    startSecs: 1,
  }));
  const handle = await driver.start(dir, programs);
  const untrack = track(driver, handle);
  const started = performance.now();
  let latencies = [];
  try {
    while (performance.now() - started < plan.respawnTimeoutMs) {
      await sleep(250);
      latencies = readLatencies(dir);
      if (latencies.length >= plan.respawns) break;
    }
  } finally {
    await driver.stop(handle);
    untrack();
  }
  latencies = readLatencies(dir);
  return { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), count: latencies.length, latenciesMs: latencies };
}

export function readLatencies(dir) {
  const latencies = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('stamps-'))) {
    let exitAt = null;
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const [what, stamp] = line.split(' ');
      const seconds = Number(stamp?.replace(',', '.'));
      if (!Number.isFinite(seconds)) continue;
      if (what === 'exit') exitAt = seconds;
      else if (what === 'start' && exitAt !== null) {
        latencies.push((seconds - exitAt) * 1000);
        exitAt = null;
      }
    }
  }
  return latencies;
}
