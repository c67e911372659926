#!/usr/bin/env node
// supd at 1,000 and 5,000 processes (issue 21): for each size, two configs run one after the
// other, each in its own temp dir:
//   long:  N long-lived `sleep` processes (program `sleep`, N-10 of them, and `other`, 10)
//   mix:   N processes of which a tenth are short-lived (`sleep 2..6`, then exit 0, respawned)
// and for each: the time until all run, `supd status` and `supd status --json` wall time
// (p50/p95 of 10 runs each), the daemon's RSS/PSS/anonymous memory and open fds, its CPU while
// idle, then (long only) `supd restart all` until all run again and a reload that changes one
// program (`other`), and the time SIGTERM takes to stop everything. Every figure is printed
// with its 1,000 -> 5,000 ratio (linear growth is 5.0). The idle CPU is read over two windows
// one after the other (V8's memory reducer collects in the first). SUPD_SPAWN_HELPER=0 runs
// supd forking its children itself (the build before the spawn helper), for a before/after.
//
// 5,000 children need about 4 file descriptors each in supd (two pipes, two log files): the
// bench runs supd under `prlimit --nofile` when it may raise the hard limit, and otherwise,
// where 4N + 64 exceeds the limit, merges stderr into stdout (2 each) and says so.
// Only what the bench started is ever killed.
//
//   npm run bench -- scale [--sizes 1000,5000] [--only long|mix]
//   node bench/scale.js ...
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { forceStopDaemon, listDescendants, killRecorded, percentile, readCpuSeconds, readMemory, readStartTime, sleep, waitForExit } from './supervisor/proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'supd.js');
const RESULTS = path.join(ROOT, 'bench', 'results', 'scale.json');
const NOFILE = 65_536;
const STATUS_RUNS = 10;
const IDLE_SETTLE_MS = 10_000;
const IDLE_MS = 15_000;
const say = (line) => process.stderr.write(`${line}\n`);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);

function readOptions(argv) {
  const option = (name) => {
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  return {
    sizes: (option('--sizes') ?? '1000,5000').split(',').map(Number),
    only: option('--only'),
  };
}

function configText(n, kind, merge, otherArg = '100000') {
  const stderr = merge ? 'stderr = "merge"\n' : '';
  if (kind === 'long') {
    return `[programs.sleep]\ncommand = ["/usr/bin/sleep", "100000"]\nprocesses = ${n - 10}\nstart_secs = "0s"\n${stderr}\n[programs.other]\ncommand = ["/usr/bin/sleep", "${otherArg}"]\nprocesses = 10\nstart_secs = "0s"\n${stderr}`;
  }
  const short = Math.round(n / 10);
  return [
    `[programs.sleep]\ncommand = ["/usr/bin/sleep", "100000"]\nprocesses = ${n - short}\nstart_secs = "0s"\n${stderr}`,
    // Lives 2 to 6 s (its copy number picks), exits 0 and is started again: about N/40 restarts a second.
    `[programs.brief]\ncommand = ["/bin/sh", "-c", "exec /usr/bin/sleep $((2 + SUPD_INDEX % 5))"]\nprocesses = ${short}\nstart_secs = "0s"\n${stderr}`,
  ].join('\n');
}

// Whether prlimit may raise the hard limit here (root with CAP_SYS_RESOURCE; not in every container).
const canRaiseNofile = (() => {
  let known;
  return () => (known ??= spawnSync('prlimit', [`--nofile=${NOFILE}:${NOFILE}`, 'true'], { stdio: 'ignore' }).status === 0);
})();

/** The open-files limit supd will run under (Node raises its soft limit to the hard one). */
function nofileLimit() {
  if (canRaiseNofile()) return NOFILE;
  const match = /^Max open files\s+\S+\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return match === null || match[1] === 'unlimited' ? Infinity : Number(match[1]);
}

function startSupd(dir, n, kind) {
  const config = path.join(dir, 'daemons.toml');
  // Two pipes and two log files a process (4 fds) do not fit a limit of 4N + 64: with stderr
  // merged into stdout a process holds 2 (one pipe, one file).
  const merge = 4 * n + 64 > nofileLimit();
  writeFileSync(config, configText(n, kind, merge));
  const raise = canRaiseNofile();
  const [file, args] = raise ? ['prlimit', [`--nofile=${NOFILE}:${NOFILE}`, process.execPath, BIN, 'run', '-c', config]] : [process.execPath, [BIN, 'run', '-c', config]];
  const child = spawn(file, args, { cwd: dir, stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  // prlimit execs node: the pid is supd's.
  return { child, pid: child.pid, startTime: readStartTime(child.pid), config, socket: path.join(dir, '.supd', 'supd.sock'), raisedNofile: raise, merge };
}

function ask(socketPath, request, timeoutMs = 30_000) {
  return new Promise((resolve) => {
    let buffered = '';
    const socket = net.createConnection(socketPath);
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    // Each chunk searched once (searching the whole answer again at every chunk was quadratic:
    // 2.4 MB at 5,000 processes), as supd's own client does.
    socket.on('data', (chunk) => {
      const newline = chunk.indexOf('\n');
      buffered += newline === -1 ? chunk : chunk.slice(0, newline);
      if (newline === -1) return;
      try {
        done(JSON.parse(buffered));
      } catch {
        done(null);
      }
    });
  });
}

async function processes(handle) {
  const reply = await ask(handle.socket, { id: 1, cmd: 'status' });
  return reply?.ok === true ? reply.result.processes : null;
}

/** Polls until `check(processes)` holds; ms since `since`, or null after timeoutMs. */
async function until(handle, check, since, timeoutMs = 240_000) {
  for (;;) {
    const list = await processes(handle);
    const now = performance.now();
    if (list !== null && check(list)) return now - since;
    if (now - since > timeoutMs) return null;
    await sleep(250);
  }
}

const running = (list, name) => list.filter((p) => p.state === 'running' && (name === undefined || p.name.startsWith(`${name}`))).length;

function timeCli(args, runs) {
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`supd ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    bytes = result.stdout.length;
  }
  return { p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), minMs: round(Math.min(...times)), bytes };
}

const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
const countFds = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
};

async function scenario(root, n, kind, live) {
  const dir = path.join(root, `${kind}-${n}`);
  mkdirSync(dir, { recursive: true });
  const since = performance.now();
  const handle = startSupd(dir, n, kind);
  live.add(handle);
  const result = { n, kind, raisedNofile: handle.raisedNofile, stderrMerged: handle.merge, nofileLimit: nofileLimit() };
  try {
    const allRun = kind === 'long' ? (list) => running(list) >= n : (list) => running(list, 'sleep') >= n - Math.round(n / 10) && list.every((p) => p.restarts > 0 || p.state === 'running' || p.name.startsWith('sleep'));
    result.untilAllRunningMs = round(await until(handle, allRun, since));
    if (result.untilAllRunningMs === null) {
      const list = await processes(handle);
      const states = {};
      for (const p of list ?? []) states[p.state] = (states[p.state] ?? 0) + 1;
      throw new Error(`${kind} ${n}: not all running after 240 s: ${JSON.stringify(states)}`);
    }
    say(`  ${kind} ${n}: all running after ${(result.untilAllRunningMs / 1000).toFixed(2)} s`);
    await sleep(2000);
    result.memoryAt2s = readMemory(handle.pid);
    result.fds = countFds(handle.pid);
    result.status = timeCli(['status', '-c', handle.config], STATUS_RUNS);
    result.statusJson = timeCli(['status', '--json', '-c', handle.config], STATUS_RUNS);
    say(`  ${kind} ${n}: status p50 ${result.status.p50Ms} p95 ${result.status.p95Ms} ms; --json p50 ${result.statusJson.p50Ms} p95 ${result.statusJson.p95Ms} ms (${result.statusJson.bytes} bytes)`);
    const asked = [];
    for (let i = 0; i < STATUS_RUNS; i++) {
      const started = performance.now();
      await ask(handle.socket, { id: 1, cmd: 'status' });
      asked.push(performance.now() - started);
    }
    result.statusSocket = { p50Ms: round(percentile(asked, 50)), p95Ms: round(percentile(asked, 95)) };
    say(`  ${kind} ${n}: status over the socket alone p50 ${result.statusSocket.p50Ms} p95 ${result.statusSocket.p95Ms} ms`);
    await sleep(IDLE_SETTLE_MS);
    const cpu = readCpuSeconds(handle.pid);
    await sleep(IDLE_MS);
    const cpuAfter = readCpuSeconds(handle.pid);
    result.idleCpuSeconds = Math.round((cpuAfter - cpu) * 100) / 100;
    result.idleSeconds = IDLE_MS / 1000;
    // A second window right after: the first holds V8's memory reducer (full collections some
    // seconds after the last burst of allocation: the status runs), this one what runs steadily.
    await sleep(IDLE_MS);
    result.idleCpuLaterSeconds = Math.round((readCpuSeconds(handle.pid) - cpuAfter) * 100) / 100;
    result.memoryAfterIdle = readMemory(handle.pid);
    say(`  ${kind} ${n}: ${kind === 'long' ? 'idle' : 'running the mix'} ${IDLE_MS / 1000} s: CPU ${result.idleCpuSeconds} s, the next ${IDLE_MS / 1000} s ${result.idleCpuLaterSeconds} s; RSS ${mb(result.memoryAfterIdle.rss)} PSS ${mb(result.memoryAfterIdle.pss)} anon ${mb(result.memoryAfterIdle.anon)} MB; ${result.fds} fds`);
    if (kind === 'mix') {
      const list = await processes(handle);
      result.restartsSeen = list.reduce((sum, p) => sum + p.restarts, 0);
    }
    if (kind === 'long') {
      const before = new Map((await processes(handle)).map((p) => [p.name, p.pid]));
      let started = performance.now();
      const restart = spawnSync(process.execPath, [BIN, 'restart', 'all', '--timeout', '300s', '-c', handle.config], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      result.restartAllCliMs = round(performance.now() - started);
      result.restartAllExit = restart.status;
      result.restartAllMs = round(await until(handle, (list) => running(list) >= n && list.every((p) => p.pid !== before.get(p.name)), started));
      say(`  ${kind} ${n}: restart all: the command returned after ${(result.restartAllCliMs / 1000).toFixed(2)} s (exit ${restart.status}), all running again after ${(result.restartAllMs / 1000).toFixed(2)} s`);
      const others = new Map((await processes(handle)).filter((p) => p.name.startsWith('other')).map((p) => [p.name, p.pid]));
      writeFileSync(handle.config, configText(n, 'long', handle.merge, '100001'));
      started = performance.now();
      const reload = spawnSync(process.execPath, [BIN, 'reload', '-c', handle.config], { encoding: 'utf8' });
      result.reloadCliMs = round(performance.now() - started);
      result.reloadExit = reload.status;
      result.reloadOutput = reload.stdout.trim().split('\n').slice(0, 4);
      result.reloadMs = round(await until(handle, (list) => running(list) >= n && list.filter((p) => p.name.startsWith('other')).every((p) => p.pid !== others.get(p.name)), started));
      say(`  ${kind} ${n}: reload changing one program: the command returned after ${result.reloadCliMs} ms, all 10 of it running anew after ${result.reloadMs} ms`);
    }
  } finally {
    const started = performance.now();
    const left = listDescendants(handle.pid);
    try {
      process.kill(handle.pid, 'SIGTERM');
    } catch {
      // gone
    }
    const exited = await waitForExit(handle.child, 120_000);
    result.stopMs = round(performance.now() - started);
    if (!exited) forceStopDaemon(handle);
    result.leftAfterStop = killRecorded(left);
    live.delete(handle);
    say(`  ${kind} ${n}: stopped in ${(result.stopMs / 1000).toFixed(2)} s${result.leftAfterStop > 0 ? `, ${result.leftAfterStop} left and killed` : ''}`);
  }
  return result;
}

const FIGURES = [
  ['until all running', 's', (r) => r.untilAllRunningMs / 1000],
  ['status p50', 'ms', (r) => r.status?.p50Ms],
  ['status p95', 'ms', (r) => r.status?.p95Ms],
  ['status --json p50', 'ms', (r) => r.statusJson?.p50Ms],
  ['status --json p95', 'ms', (r) => r.statusJson?.p95Ms],
  ['status over the socket p50', 'ms', (r) => r.statusSocket?.p50Ms],
  ['RSS after idle', 'MB', (r) => r.memoryAfterIdle?.rss / 2 ** 20],
  ['anon after idle', 'MB', (r) => r.memoryAfterIdle?.anon / 2 ** 20],
  ['open fds', '', (r) => r.fds],
  ['CPU in the idle window', 's', (r) => r.idleCpuSeconds],
  ['CPU in the next idle window', 's', (r) => r.idleCpuLaterSeconds],
  ['restart all, until all run again', 's', (r) => (r.restartAllMs === undefined ? undefined : r.restartAllMs / 1000)],
  ['reload changing one program', 'ms', (r) => r.reloadMs],
  ['stop (SIGTERM until exit)', 's', (r) => r.stopMs / 1000],
];

function table(results, sizes) {
  const lines = [];
  for (const kind of ['long', 'mix']) {
    const rows = sizes.map((n) => results[`${kind}-${n}`]).filter(Boolean);
    if (rows.length === 0) continue;
    lines.push(`${kind}: ${['figure', ...sizes.map(String), sizes.length > 1 ? `ratio ${sizes[0]} -> ${sizes.at(-1)}` : ''].join(' | ')}`);
    for (const [name, unit, pick] of FIGURES) {
      const values = rows.map(pick);
      if (values.every((v) => v === undefined || Number.isNaN(v))) continue;
      const ratio = values.length > 1 && values[0] > 0 ? `${(values.at(-1) / values[0]).toFixed(2)}x` : '';
      lines.push(`  ${name}${unit ? ` (${unit})` : ''} | ${values.map((v) => (v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0))).join(' | ')} | ${ratio}`);
    }
  }
  return lines.join('\n');
}

export async function run({ argv = process.argv.slice(2) } = {}) {
  const options = readOptions(argv);
  const root = mkdtempSync(path.join(os.tmpdir(), 'supd-bench-scale-'));
  const live = new Set();
  const onSignal = (signal) => {
    for (const handle of live) forceStopDaemon(handle);
    rmSync(root, { recursive: true, force: true });
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  say(`scale: children forked by ${process.env.SUPD_SPAWN_HELPER === '0' ? 'supd itself (SUPD_SPAWN_HELPER=0)' : 'the spawn helper'}; sizes ${options.sizes.join(', ')} on ${os.availableParallelism()} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; nofile ${canRaiseNofile() ? `raised to ${NOFILE} with prlimit` : `${nofileLimit()} (prlimit may not raise it here): a size needing more than that (4 fds a process) runs with stderr = "merge" (2)`}`);
  const results = {};
  try {
    for (const n of options.sizes) {
      for (const kind of ['long', 'mix']) {
        if (options.only !== undefined && options.only !== kind) continue;
        results[`${kind}-${n}`] = await scenario(root, n, kind, live);
        // Written after each scenario: a run stopped part-way keeps what it measured.
        writeResults(results);
      }
    }
  } finally {
    for (const handle of live) forceStopDaemon(handle);
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.stdout.write(`\n${table(results, options.sizes)}\n`);
  writeResults(results);
  return results;
}

function writeResults(results) {
  mkdirSync(path.dirname(RESULTS), { recursive: true });
  const spawnHelper = process.env.SUPD_SPAWN_HELPER !== '0';
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, loadavg: os.loadavg(), spawnHelper, results }, null, 2)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    say(error.stack ?? String(error));
    process.exitCode = 1;
  });
}
