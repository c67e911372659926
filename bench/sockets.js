// npm run bench -- sockets [--runs N] [--warmup MS] [--copies N]
// Issue 19: how long a rolling restart of a pool behind a held socket takes, against the sum of
// its copies' readiness times (goal: within readiness + 1 s per copy), with a client sending
// requests without pause the whole time (failed connections and non-2xx answers counted).
// Beside it, where bench/setup.sh installed PM2: PM2's cluster reload (`pm2 reload web`) of
// the same server under the same client. Writes bench/results/sockets.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { killRecorded, listDescendants, median, sleep, timeCommand, waitUntil } from './supervisor/proc.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const SERVER = path.join(ROOT, 'examples', 'socket-web.js');
const PM2_BIN = path.join(ROOT, 'bench', 'peers', 'node_modules', 'pm2', 'bin', 'pm2');

export async function run(options = {}) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const at = args.indexOf(name);
    return at === -1 ? fallback : Number(args[at + 1]);
  };
  const runs = options.runs ?? 3;
  const warmupMs = option('--warmup', 500);
  const copies = option('--copies', 4);
  const dir = mkdtempSync(path.join(tmpdir(), 'supd-bench-sockets-'));
  try {
    console.log(`sockets: ${copies} copies of examples/socket-web.js (WARMUP_MS=${warmupMs}), ${runs} rolling restarts each, a client on new connections without pause`);
    const supd = await benchSupd(path.join(dir, 'supd'), { runs, warmupMs, copies });
    const pm2 = existsSync(PM2_BIN) ? await benchPm2(path.join(dir, 'pm2'), { runs, warmupMs, copies }) : { skipped: 'PM2 is not installed: run bench/setup.sh' };
    const result = { date: new Date().toISOString(), node: process.version, copies, warmup_ms: warmupMs, runs, supd, pm2 };
    report(result);
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'sockets.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSupd(dir, { runs, warmupMs, copies }) {
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'daemons.toml');
  writeFileSync(config, `[supervisor]\nlog_level = "debug"\n\n[programs.web]\ncommand = [${JSON.stringify(process.execPath)}, ${JSON.stringify(SERVER)}]\nprocesses = ${copies}\nsockets = { http = "tcp://127.0.0.1:0" }\nready = { log = "listening on" }\nrestart_strategy = "rolling"\nenv = { WARMUP_MS = "${warmupMs}" }\n`);
  const log = () => readOr(path.join(dir, 'logs', 'supd.log'));
  const child = spawn(process.execPath, [SUPD, 'run', '-c', config], { stdio: 'ignore' });
  const cli = (...a) => timeCommand(process.execPath, [SUPD, ...a, '-c', config]);
  try {
    await waitUntil(() => (log().match(/starting -> running/g) ?? []).length >= copies, { intervalMs: 50 });
    const port = Number(/holding socket tcp:\/\/127\.0\.0\.1:(\d+)/.exec(log())[1]);
    const client = startClient(port);
    const rolls = [];
    for (let i = 0; i < runs; i++) {
      const from = log().length;
      const restart = await cli('restart', 'web');
      if (restart.code !== 0) throw new Error(`supd restart web: ${restart.stdout}${restart.stderr}`);
      rolls.push({ restart_ms: Math.round(restart.ms), ...readiness(log().slice(from), copies) });
    }
    const load = await client.stop();
    return summarize(rolls, load, copies);
  } finally {
    const left = listDescendants(child.pid);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    killRecorded(left);
  }
}

// From supd.log (debug): each copy's spawn and its `starting -> running`, pool copies apart from the surge copy.
function readiness(text, copies) {
  const spawned = new Map();
  const ready = [];
  let surge = null;
  for (const line of text.split('\n')) {
    const m = /^(\S+) \w+ +\[web:(\d+)\] (spawned pid|starting -> running)/.exec(line);
    if (m === null) continue;
    const at = Date.parse(m[1]);
    if (m[3] === 'spawned pid') spawned.set(m[2], at);
    else if (spawned.has(m[2])) {
      const ms = at - spawned.get(m[2]);
      if (Number(m[2]) >= copies) surge = ms;
      else ready.push(ms);
    }
  }
  return { ready_ms: ready, surge_ready_ms: surge };
}

async function benchPm2(dir, { runs, warmupMs, copies }) {
  mkdirSync(dir, { recursive: true });
  const home = path.join(dir, 'pm2home');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'touch'), String(Date.now()));
  const env = { ...process.env, PM2_HOME: home, PM2_DISABLE_VERSION_CHECK: 'true' };
  const port = await freePort();
  const apps = { apps: [{ name: 'web', script: SERVER, exec_mode: 'cluster', instances: copies, kill_signal: 'SIGTERM', listen_timeout: 60_000, env: { PORT: String(port), WARMUP_MS: String(warmupMs) } }] };
  const file = path.join(dir, 'apps.json');
  writeFileSync(file, JSON.stringify(apps));
  const pm2 = (...a) => timeCommand(process.execPath, [PM2_BIN, ...a], { cwd: dir, env });
  try {
    const started = await pm2('start', file);
    if (started.code !== 0) return { skipped: `pm2 start failed: ${started.stderr}` };
    await waitUntil(async () => (await getOnce(port).catch(() => null)) !== null, { intervalMs: 50 });
    const client = startClient(port);
    const rolls = [];
    for (let i = 0; i < runs; i++) {
      const reload = await pm2('reload', 'web');
      if (reload.code !== 0) throw new Error(`pm2 reload web: ${reload.stderr}`);
      rolls.push({ restart_ms: Math.round(reload.ms), ready_ms: [], surge_ready_ms: null });
    }
    const load = await client.stop();
    return { version: JSON.parse(readFileSync(path.join(PM2_BIN, '..', '..', 'package.json'), 'utf8')).version, ...summarize(rolls, load, copies) };
  } finally {
    await pm2('kill');
  }
}

function summarize(rolls, load, copies) {
  const restart = median(rolls.map((r) => r.restart_ms));
  const sums = rolls.filter((r) => r.ready_ms.length > 0).map((r) => r.ready_ms.reduce((a, b) => a + b, 0));
  const sumReady = sums.length > 0 ? median(sums) : null;
  return {
    restart_ms: restart,
    restarts_ms: rolls.map((r) => r.restart_ms),
    sum_ready_ms: sumReady,
    surge_ready_ms: median(rolls.map((r) => r.surge_ready_ms).filter((v) => v !== null)),
    overhead_per_copy_ms: sumReady === null ? null : Math.round((restart - sumReady) / copies),
    within_goal: sumReady === null ? null : restart <= sumReady + 1000 * copies,
    load,
  };
}

// A client on new connections (no keep-alive), 2 at a time, without pause.
function startClient(port) {
  let stopped = false;
  const load = { sent: 0, failed: 0, non2xx: 0, slowest_ms: 0, errors: {} };
  const loop = async () => {
    while (!stopped) {
      load.sent++;
      const t = performance.now();
      try {
        const status = await getOnce(port);
        if (status < 200 || status > 299) load.non2xx++;
        load.slowest_ms = Math.max(load.slowest_ms, Math.round(performance.now() - t));
      } catch (error) {
        load.failed++;
        load.errors[error.code ?? error.message] = (load.errors[error.code ?? error.message] ?? 0) + 1;
        await sleep(1);
      }
    }
  };
  const loops = Promise.all([loop(), loop()]);
  return { stop: async () => ((stopped = true), await loops, load) };
}

function getOnce(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/', agent: false, headers: { connection: 'close' }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function readOr(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function report(r) {
  const row = (name, x) => {
    if (x.skipped) return console.log(`${name.padEnd(6)} skipped: ${x.skipped}`);
    const goal = x.sum_ready_ms === null ? '' : `, sum of readiness ${x.sum_ready_ms} ms, ${x.overhead_per_copy_ms} ms per copy beyond it (goal <= 1000: ${x.within_goal ? 'met' : 'missed'})`;
    console.log(`${name.padEnd(6)} rolling restart ${x.restart_ms} ms (median of ${x.restarts_ms.join(', ')})${goal}`);
    console.log(`${''.padEnd(6)} under load: ${x.load.sent} requests, ${x.load.failed} failed${x.load.failed > 0 ? ` ${JSON.stringify(x.load.errors)}` : ''}, ${x.load.non2xx} non-2xx, slowest ${x.load.slowest_ms} ms`);
  };
  row('supd', r.supd);
  row('pm2', r.pm2);
}
