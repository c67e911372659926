// node bench/http.js [--processes 500] [--seconds 30] [--windows 3]   (or npm run bench -- http)
// Issue 20: what the HTTP listener costs supd. (1) /metrics rendered by hand vs by prom-client
// from the same 500-process snapshot, in this process. (2) A real supd running 500 processes:
// scrape time over HTTP (end to end, /proc reads included), supd's CPU over a window with one
// dashboard open (live SSE) and a scrape every 15 s. (3) Idle CPU with the listener on (nobody
// connected) against the same supd without it: the goal is within 0.01 CPU-s per 30 s.
// Writes bench/results/http.json.
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const STATES = ['stopped', 'starting', 'running', 'backoff', 'stopping', 'exited', 'fatal', 'waiting'];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(options = {}) {
  const argv = process.argv.slice(2);
  const flag = (name, fallback) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : fallback);
  const processes = options.processes ?? flag('processes', 500);
  const seconds = options.seconds ?? flag('seconds', 30);
  const windows = options.windows ?? flag('windows', 3);
  const result = { date: new Date().toISOString(), node: process.version, processes, window_seconds: seconds };
  result.render = await compareRenderers(processes);
  const dir = mkdtempSync(path.join(tmpdir(), 'supd-bench-http-'));
  try {
    result.idle_without_listener = await idleCpu(dir, processes, false, seconds, windows);
    result.idle_with_listener = await idleCpu(dir, processes, true, seconds, windows);
    result.idle_difference_cpu_seconds = round(result.idle_with_listener.cpu_seconds - result.idle_without_listener.cpu_seconds, 3);
    result.with_dashboard = await withDashboard(dir, processes, seconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(result);
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'http.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

// The same snapshot through supd's hand-written renderer and through a prom-client registry
// whose gauges are set from it at each scrape (how prom-client is used for a changing set).
async function compareRenderers(n) {
  const { renderMetrics } = await import(path.join(ROOT, 'dist/src/http/metrics.js'));
  const { MetricCounters } = await import(path.join(ROOT, 'dist/src/http/counters.js'));
  const counters = new MetricCounters(new EventEmitter(), { stateOf: () => 'running', successExitCodes: () => [0], isScheduled: () => false, programOf: () => 'p' });
  const processes = Array.from({ length: n }, (_, i) => ({
    status: { name: `web${i % 50}:${i}`, program: `web${i % 50}`, method: null, index: i, state: STATES[i % 8], pid: 1000 + i, uptime_s: 12.5, restarts: i % 3, exit_code: 0, exit_signal: null, rss_bytes: 31457280 + i, healthy: i % 2 === 0, next_run: null },
    startedAt: Date.now() - 60_000,
    cpuSeconds: i / 10,
  }));
  for (const p of processes) counters.restarts.set(`${p.status.name}\0crash`, p.status.restarts);
  const snapshot = { version: '0.1.0', desired: Array.from({ length: 50 }, (_, i) => ({ program: `web${i}`, method: null, count: 10 })), processes, counters };
  const hand = time(() => renderMetrics(snapshot));
  let prom = null;
  try {
    const client = (await import('prom-client')).default;
    const registry = new client.Registry();
    const labelNames = ['process', 'program', 'method'];
    const state = new client.Gauge({ name: 'supd_process_state', help: 'h', labelNames: [...labelNames, 'state'], registers: [registry] });
    const gauges = ['supd_process_start_time_seconds', 'supd_process_resident_memory_bytes', 'supd_process_healthy', 'supd_process_last_exit_code'].map((name) => new client.Gauge({ name, help: 'h', labelNames, registers: [registry] }));
    const restarts = new client.Counter({ name: 'supd_process_restarts_total', help: 'h', labelNames: [...labelNames, 'reason'], registers: [registry] });
    const cpu = new client.Counter({ name: 'supd_process_cpu_seconds_total', help: 'h', labelNames, registers: [registry] });
    for (const p of processes) restarts.inc({ process: p.status.name, program: p.status.program, method: '', reason: 'crash' }, p.status.restarts);
    prom = await timeAsync(async () => {
      state.reset();
      for (const g of gauges) g.reset();
      cpu.reset();
      for (const p of processes) {
        const labels = { process: p.status.name, program: p.status.program, method: '' };
        for (const s of STATES) state.set({ ...labels, state: s }, p.status.state === s ? 1 : 0);
        gauges[0].set(labels, p.startedAt / 1000);
        gauges[1].set(labels, p.status.rss_bytes);
        gauges[2].set(labels, p.status.healthy ? 1 : 0);
        gauges[3].set(labels, p.status.exit_code);
        cpu.inc(labels, p.cpuSeconds);
      }
      return registry.metrics();
    });
  } catch (error) {
    prom = { error: `prom-client: ${error.message}` };
  }
  return { hand_written: hand, prom_client: prom };
}

function time(fn) {
  for (let i = 0; i < 20; i++) fn();
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < 100; i++) {
    const t = process.hrtime.bigint();
    bytes = fn().length;
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return summarize(samples, bytes);
}

async function timeAsync(fn) {
  for (let i = 0; i < 20; i++) await fn();
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < 100; i++) {
    const t = process.hrtime.bigint();
    bytes = (await fn()).length;
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return summarize(samples, bytes);
}

function summarize(samples, bytes) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median_ms: round(sorted[Math.floor(sorted.length / 2)], 3), p95_ms: round(sorted[Math.floor(sorted.length * 0.95)], 3), bytes };
}

async function startSupd(dir, processes, listener) {
  const config = path.join(dir, 'daemons.toml');
  rmSync(path.join(dir, 'logs'), { recursive: true, force: true });
  writeFileSync(config, `${listener ? '[supervisor.http]\nlisten = "127.0.0.1:0"\n\n' : ''}[programs.app]\ncommand = ["sleep", "1000000"]\nstart_secs = "0s"\nprocesses = ${processes}\n`);
  const supd = spawn(process.execPath, [SUPD, 'run', '-c', config], { stdio: 'ignore' });
  const cli = (...args) => spawnSync(process.execPath, [SUPD, ...args, '-c', config], { cwd: dir, encoding: 'utf8' });
  await waitFor(() => {
    const out = cli('status', '--json');
    return out.status === 0 && JSON.parse(out.stdout).processes.filter((p) => p.state === 'running').length === processes;
  }, 120_000);
  const url = listener ? new URL(cli('dashboard').stdout.trim()) : null;
  return {
    pid: supd.pid,
    base: url?.origin,
    cookie: url === null ? null : `supd_session=${url.searchParams.get('token')}`,
    async stop() {
      supd.kill('SIGTERM');
      await new Promise((resolve) => supd.once('exit', resolve));
    },
  };
}

// Several windows in a row on one supd, so a stray GC or timer in one window shows as such;
// the comparison is of the medians.
async function idleCpu(dir, processes, listener, seconds, windows) {
  const supd = await startSupd(dir, processes, listener);
  try {
    await sleep(10_000); // let the start settle (the status polls of startSupd, a GC after 500 spawns)
    const samples = [];
    for (let i = 0; i < windows; i++) {
      const cpu0 = cpuTicks(supd.pid);
      await sleep(seconds * 1000);
      samples.push(round((cpuTicks(supd.pid) - cpu0) / CLK_TCK, 3));
    }
    const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    return { cpu_seconds: median, windows: samples, cpu_percent: round((median / seconds) * 100, 3), rss_bytes: rssBytes(supd.pid) };
  } finally {
    await supd.stop();
  }
}

async function withDashboard(dir, processes, seconds) {
  const supd = await startSupd(dir, processes, true);
  try {
    const scrapes = [];
    let bytes = 0;
    for (let i = 0; i < 20; i++) {
      const t = Date.now();
      bytes = (await get(`${supd.base}/metrics`)).length;
      scrapes.push(Date.now() - t);
    }
    const live = openLive(supd.base, supd.cookie);
    await sleep(3000);
    const cpu0 = cpuTicks(supd.pid);
    const received0 = live.bytes();
    const started = Date.now();
    let scraped = 0;
    while (Date.now() - started < seconds * 1000) {
      await get(`${supd.base}/metrics`);
      scraped++;
      await sleep(Math.min(15_000, seconds * 1000 - (Date.now() - started)));
    }
    const cpuSeconds = (cpuTicks(supd.pid) - cpu0) / CLK_TCK;
    const sse = live.bytes() - received0;
    live.close();
    return {
      scrape: { ...summarize(scrapes, bytes), min_ms: Math.min(...scrapes) },
      window: { scrapes: scraped, sse_bytes: sse, cpu_seconds: round(cpuSeconds, 3), cpu_percent: round((cpuSeconds / seconds) * 100, 3), rss_bytes: rssBytes(supd.pid) },
    };
  } finally {
    await supd.stop();
  }
}

function openLive(base, cookie) {
  let bytes = 0;
  const req = http.get(`${base}/api/live`, { headers: { Cookie: cookie } }, (res) => res.on('data', (chunk) => (bytes += chunk.length)));
  req.on('error', () => undefined);
  return { bytes: () => bytes, close: () => req.destroy() };
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`))));
    }).on('error', reject);
  });
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? null : Number(match[1]) * 1024;
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for supd');
    await sleep(250);
  }
}

function round(n, digits) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

function report(r) {
  const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const { hand_written: hand, prom_client: prom } = r.render;
  console.log(`render ${r.processes} processes: hand-written ${hand.median_ms} ms (p95 ${hand.p95_ms}), ${hand.bytes} bytes; prom-client ${prom.median_ms ?? prom.error} ms (p95 ${prom.p95_ms}), ${prom.bytes} bytes`);
  const s = r.with_dashboard.scrape;
  console.log(`GET /metrics over HTTP with ${r.processes} processes: median ${s.median_ms} ms, p95 ${s.p95_ms} ms, ${s.bytes} bytes`);
  const w = r.with_dashboard.window;
  console.log(`one dashboard open + a scrape every 15 s, ${r.window_seconds} s: supd ${w.cpu_seconds} CPU-s (${w.cpu_percent}% of a core), ${w.sse_bytes} SSE bytes, rss ${mb(w.rss_bytes)}`);
  console.log(`idle, ${r.window_seconds} s windows (median of ${r.idle_without_listener.windows.join(', ')} / ${r.idle_with_listener.windows.join(', ')}): without listener ${r.idle_without_listener.cpu_seconds} CPU-s, with listener ${r.idle_with_listener.cpu_seconds} CPU-s: difference ${r.idle_difference_cpu_seconds} (goal <= 0.01)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
