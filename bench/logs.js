#!/usr/bin/env node
// Logs under a flood: 1,000,000 lines of 101 bytes from one child (`cat` of a prepared file,
// since `seq` is slower than the loggers), through supd, supervisord and PM2 in one run, and
// `cat > file` as the limit. For each: the time from the child's start (written by the child's
// shell just before it execs cat) until the log holds every byte (polled every 2 ms: live file,
// rotated files, gzip ISIZE), the supervising process's CPU seconds and peak RSS (VmHWM, reset
// before the flood) and the lines lost or cut (a line split across two files counts as lost).
// Medians of --runs runs (default 5), and the best time (the one least disturbed by other load).
// Writes bench/results/logs.json.
//
//   npm run bench -- logs [--runs N]   or   node bench/logs.js   (after npm run build;
//   supervisord from apt, PM2 and rotating-file-stream from `npm install` in bench/peers)
//   BENCH_ONLY=supd node bench/logs.js   (only the tools whose name holds that)
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const PEERS = path.join(ROOT, 'bench', 'peers', 'node_modules');
export const LINES = 1_000_000;
export const WIDTH = 101;
const BYTES = LINES * WIDTH;
/** `2025-01-31T12:00:00.000Z ` before each line when timestamps are on. */
const STAMP = 25;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 5) } = {}) {
  const RUNS = runs;
  const work = mkdtempSync(path.join(tmpdir(), 'supd-bench-logs-'));
  try {
    const input = prepareInput(path.join(work, 'lines.txt'));
    const tools = [
      ['cat > file (the limit)', runCat],
      ['supd (max_size 10M, gzip)', (dir) => runSupd(dir, input, 'max_size = "10M", keep = 20')],
      ['supd (max_size 10M, no gzip)', (dir) => runSupd(dir, input, 'max_size = "10M", keep = 20, compress = false')],
      ['supd (max_size 10M, gzip, timestamps)', (dir) => runSupd(dir, input, 'max_size = "10M", keep = 20, timestamps = true', STAMP)],
      ['supervisord (maxbytes 10MB)', (dir) => runSupervisord(dir, input)],
      ['pm2 (no rotation)', (dir) => runPm2(dir, input)],
      ['node: child.stdout.pipe(fs.createWriteStream)', (dir) => runProbe(dir, input, 'naive')],
      ['node: child.stdout.pipe(rotating-file-stream 10M, gzip)', (dir) => runProbe(dir, input, 'rfs')],
    ];
    const results = { lines: LINES, line_bytes: WIDTH, runs: RUNS, cpus: cpus().length, cpu_model: cpus()[0]?.model, node: process.version, load_before: loadavg()[0], tools: {} };
    const only = process.env.BENCH_ONLY;
    for (const [name, runTool] of tools.filter(([name]) => only === undefined || name.includes(only))) {
      const samples = [];
      for (let i = 0; i < RUNS; i++) {
        const dir = path.join(work, `run-${Object.keys(results.tools).length}-${i}`);
        mkdirSync(path.join(dir, 'logs'), { recursive: true });
        try {
          const sample = await runTool(dir, input);
          if (sample === null) break;
          samples.push(sample);
        } catch (error) {
          samples.push({ error: error.message });
          break;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      results.tools[name] = summarize(samples);
      console.log(formatRow(name, results.tools[name]));
    }
    results.load_after = loadavg()[0];
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'logs.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwrote bench/results/logs.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** LINES numbered lines of WIDTH bytes ("00000042 xxx..."), the flood every log bench replays. */
export function prepareInput(file) {
  const fd = openSync(file, 'w');
  const filler = 'x'.repeat(WIDTH - 10);
  for (let i = 0; i < LINES; i += 10_000) {
    let chunk = '';
    for (let k = i; k < i + 10_000; k++) chunk += `${String(k).padStart(8, '0')} ${filler}\n`;
    writeFileSync(fd, chunk);
  }
  closeSync(fd);
  return file;
}

/** The child every tool runs: its shell writes the start time (ns), then becomes cat. */
const floodScript = (dir, input) => `date +%s%N > ${dir}/t0; exec cat ${input}`;
const startedAt = (dir) => Number(BigInt(readFileSync(path.join(dir, 't0'), 'utf8').trim()) / 1000n) / 1000;

// ---- the tools -------------------------------------------------------------------------

async function runCat(dir, input) {
  const child = spawn('sh', ['-c', `${floodScript(dir, input)} > ${dir}/logs/out.log`], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const done = await waitComplete(dir, 'out.log');
  await exited;
  const seconds = (done - startedAt(dir)) / 1000;
  return { seconds, mb_per_s: BYTES / 1024 / 1024 / seconds, ...verify(path.join(dir, 'logs'), 'out.log') };
}

async function runSupd(dir, input, stdout, stamp = 0) {
  const config = path.join(dir, 'daemons.toml');
  writeFileSync(
    config,
    `[programs.flood]\ncommand = ["sh", "-c", ${JSON.stringify(floodScript(dir, input))}]\nautostart = false\nrestart = "never"\nstdout = { ${stdout} }\n`,
  );
  const supd = spawn(process.execPath, [SUPD, 'run', '-c', config], { stdio: 'ignore' });
  const exited = new Promise((resolve) => supd.once('exit', resolve));
  try {
    await waitUntil(() => cli(['status', '-c', config]) === 0, 10_000, 'supd to answer');
    const gzip = !stdout.includes('compress = false');
    const sample = await measure(supd.pid, dir, 'flood-0.out.log', () => cli(['start', 'flood', '--no-wait', '-c', config]), { stamp, gzip });
    return { ...sample, ...verify(path.join(dir, 'logs'), 'flood-0.out.log', stamp) };
  } finally {
    supd.kill('SIGTERM');
    await exited;
  }
}

async function runSupervisord(dir, input) {
  if (!existsSync('/usr/bin/supervisord')) return skip('supervisord not installed (apt-get install -y supervisor)');
  const conf = path.join(dir, 'supervisord.conf');
  writeFileSync(
    conf,
    `[unix_http_server]\nfile=${dir}/s.sock\n[supervisord]\nlogfile=${dir}/supervisord.log\npidfile=${dir}/s.pid\nnodaemon=true\nuser=root\n` +
      `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n` +
      `[supervisorctl]\nserverurl=unix://${dir}/s.sock\n` +
      `[program:flood]\ncommand=sh -c '${floodScript(dir, input).replaceAll('%', '%%')}'\nautostart=false\nautorestart=false\nstartsecs=0\n` +
      `stdout_logfile=${dir}/logs/flood.log\nstdout_logfile_maxbytes=10MB\nstdout_logfile_backups=20\n`,
  );
  const daemon = spawn('/usr/bin/supervisord', ['-c', conf], { stdio: 'ignore' });
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  try {
    await waitUntil(() => exec('supervisorctl', ['-c', conf, 'pid']) !== null, 10_000, 'supervisord to answer');
    const sample = await measure(daemon.pid, dir, 'flood.log', () => exec('supervisorctl', ['-c', conf, 'start', 'flood']));
    return { ...sample, ...verify(path.join(dir, 'logs'), 'flood.log') };
  } finally {
    daemon.kill('SIGTERM');
    await exited;
  }
}

async function runPm2(dir, input) {
  const pm2 = path.join(PEERS, '.bin', 'pm2');
  if (!existsSync(pm2)) return skip('PM2 not installed (npm install in bench/peers)');
  const env = { ...process.env, PM2_HOME: path.join(dir, 'pm2') };
  const app = { name: 'flood', script: 'sh', args: ['-c', floodScript(dir, input)], interpreter: 'none', autorestart: false, cwd: dir, out_file: `${dir}/logs/flood.log`, error_file: `${dir}/logs/flood.err`, merge_logs: true };
  writeFileSync(path.join(dir, 'ecosystem.json'), JSON.stringify({ apps: [app] }));
  try {
    exec(pm2, ['ping'], env);
    const pid = Number(readFileSync(path.join(dir, 'pm2', 'pm2.pid'), 'utf8'));
    const sample = await measure(pid, dir, 'flood.log', () => exec(pm2, ['start', path.join(dir, 'ecosystem.json')], env));
    return { ...sample, ...verify(path.join(dir, 'logs'), 'flood.log') };
  } finally {
    exec(pm2, ['kill'], env);
  }
}

// A Node process of its own that pipes the child's stdout into a file stream (see probe()).
async function runProbe(dir, input, kind) {
  if (kind === 'rfs' && !existsSync(path.join(PEERS, 'rotating-file-stream'))) return skip('rotating-file-stream not installed (npm install in bench/peers)');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--probe', kind, dir, input], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  // rotating-file-stream writes its .gz in place: the probe says when its stream finished instead.
  const finished = new Promise((resolve) => child.stdout.once('data', (line) => resolve(Number(line.toString()))));
  try {
    const sample = await measure(child.pid, dir, 'flood.log', () => child.stdin.write('go\n'), { finished });
    return { ...sample, ...verify(path.join(dir, 'logs'), 'flood.log') };
  } finally {
    child.kill('SIGKILL');
  }
}

async function probe(kind, dir, input) {
  const require = createRequire(path.join(PEERS, 'x.js'));
  const out =
    kind === 'rfs'
      ? require('rotating-file-stream').createStream('flood.log', { path: path.join(dir, 'logs'), size: '10M', rotate: 20, compress: 'gzip' })
      : (await import('node:fs')).createWriteStream(path.join(dir, 'logs', 'flood.log'));
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    const child = spawn('sh', ['-c', floodScript(dir, input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.pipe(out);
    out.on('finish', () => process.stdout.write(`${Date.now()}\n`));
  });
  await new Promise(() => undefined);
}

function skip(reason) {
  console.log(`  skipped: ${reason}`);
  return null;
}

// ---- measuring -------------------------------------------------------------------------

// Starts the flood with `start` and follows the supervising process `pid` until the log is
// complete, then until its rotated files are compressed (gzip runs after the flood, in the background).
async function measure(pid, dir, base, start, { stamp = 0, finished = null, gzip = false } = {}) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const rssBefore = procStatus(pid, 'VmRSS');
  const cpuBefore = cpuSeconds(pid);
  start();
  const done = finished === null ? await waitComplete(dir, base, LINES * (WIDTH + stamp)) : await finished;
  const seconds = (done - startedAt(dir)) / 1000;
  const cpuAtComplete = cpuSeconds(pid) - cpuBefore;
  const peak = procStatus(pid, 'VmHWM');
  // supd compresses after the flood, in the background; the CPU it takes is counted apart.
  const pending = (f) => f.endsWith('.partial') || (gzip && /\d{3}Z$/.test(f));
  await waitUntil(() => !readdirSync(path.join(dir, 'logs')).some(pending), 60_000, 'compression');
  return {
    seconds,
    mb_per_s: BYTES / 1024 / 1024 / seconds,
    cpu_s: cpuAtComplete,
    cpu_s_with_compression: cpuSeconds(pid) - cpuBefore,
    rss_before_mb: rssBefore / 1024,
    rss_peak_mb: peak / 1024,
    rss_growth_mb: (peak - rssBefore) / 1024,
  };
}

/** Polls until the log (live + rotated, gzip counted by its ISIZE) holds every byte; returns Date.now(). */
async function waitComplete(dir, base, bytes = BYTES) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (logBytes(path.join(dir, 'logs'), base) >= bytes) return Date.now();
    await sleep(2);
  }
  throw new Error(`the log never held ${bytes} bytes`);
}

function logBytes(logs, base) {
  const names = new Set(readdirSync(logs).filter((f) => f.startsWith(base) && !f.endsWith('.partial')));
  let total = 0;
  for (const name of names) {
    try {
      if (!name.endsWith('.gz')) total += statSync(path.join(logs, name)).size;
      else if (!names.has(name.slice(0, -3))) total += gzipSize(path.join(logs, name));
    } catch {
      // renamed or compressed between listing and reading: the next poll sees it
    }
  }
  return total;
}

function gzipSize(file) {
  const fd = openSync(file, 'r');
  try {
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, statSync(file).size - 4);
    return trailer.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/** Reads every file of the log: how many of the numbered lines are there whole, once. */
function verify(logs, base, stamp = 0) {
  const seen = new Uint8Array(LINES);
  let cut = 0;
  let files = 0;
  for (const name of readdirSync(logs).filter((f) => f.startsWith(base) && !f.endsWith('.partial'))) {
    files++;
    const raw = readFileSync(path.join(logs, name));
    const data = name.endsWith('.gz') ? gunzipSync(raw) : raw;
    for (let start = 0; start < data.length; ) {
      let end = data.indexOf(10, start);
      if (end === -1) end = data.length;
      const n = Number(data.toString('latin1', start + stamp, start + stamp + 8));
      if (end - start === WIDTH - 1 + stamp && Number.isInteger(n) && n < LINES) seen[n]++;
      else cut++;
      start = end + 1;
    }
  }
  const once = seen.reduce((count, times) => count + (times === 1 ? 1 : 0), 0);
  return { lines_lost: LINES - once, lines_cut: cut, files };
}

export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function procStatus(pid, key) {
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
}

function cli(args) {
  return exec(process.execPath, [SUPD, ...args]) === null ? 1 : 0;
}

function exec(file, args, env = process.env) {
  try {
    return execFileSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  } catch {
    return null;
  }
}

export async function waitUntil(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

// ---- reporting -------------------------------------------------------------------------

function summarize(samples) {
  const ok = samples.filter((s) => s.error === undefined);
  if (ok.length === 0) return { skipped: samples[0]?.error ?? 'not available' };
  const median = (key) => {
    const values = ok.map((s) => s[key]).sort((a, b) => a - b);
    return round(values[Math.floor(values.length / 2)]);
  };
  const keys = Object.keys(ok[0]);
  const best = Math.min(...ok.map((s) => s.seconds));
  return {
    ...Object.fromEntries(keys.map((k) => [k, median(k)])),
    seconds_best: round(best),
    mb_per_s_best: round(BYTES / 1024 / 1024 / best),
    lines_lost_max: Math.max(...ok.map((s) => s.lines_lost)),
    seconds_all: ok.map((s) => round(s.seconds)),
  };
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function formatRow(name, r) {
  if (r.skipped) return `${name.padEnd(56)} skipped: ${r.skipped}`;
  const cpu = r.cpu_s === undefined ? '' : `  cpu ${r.cpu_s.toFixed(2)} s (${r.cpu_s_with_compression.toFixed(2)} with gzip)  rss ${r.rss_before_mb.toFixed(0)} -> ${r.rss_peak_mb.toFixed(0)} MB (+${r.rss_growth_mb.toFixed(1)})`;
  return `${name.padEnd(56)} ${r.seconds.toFixed(3)} s (best ${r.seconds_best.toFixed(3)})  ${r.mb_per_s.toFixed(0).padStart(4)} MB/s${cpu}  lost ${r.lines_lost_max}  cut ${r.lines_cut}  files ${r.files}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--probe') await probe(process.argv[3], process.argv[4], process.argv[5]);
  else await run();
}
