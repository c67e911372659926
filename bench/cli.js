#!/usr/bin/env node
// The CLI's latency against Node's own start-up, in one run: `supd --version` and `supd status`
// with 500 running processes (`sleep`), through bin/supd.js (a CommonJS script: --version from
// package.json, status from the one-file CommonJS build dist/bundle/cli/status.cjs), through
// the ES module bundle (dist/bundle/cli/main.js, what every verb but status and run loads) and through the
// unbundled tsc output (dist/src/cli/main.js), each of the last two called by a two-line
// runner, with `node -e 0` as the floor. The commands run interleaved (one of each per round, in a
// rotating order) so that a change of load on the machine hits them alike; the minimum is the
// figure to compare on a busy machine, the median is printed beside it. Each command's CPU time
// (user + system) is measured too: on a loaded machine it tells more than the wall time.
//
//   npm run bench -- cli [--runs N]        (default 40 rounds)
//   node bench/cli.js [--runs N] [--processes N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'supd.js');
const UNBUNDLED = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const ESM_BUNDLE = path.join(ROOT, 'dist', 'bundle', 'cli', 'main.js');
const RESULTS = path.join(ROOT, 'bench', 'results', 'cli.json');
const GOALS = { status: 25, version: 10 };

const say = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run({ runs = 40, argv = process.argv.slice(2) } = {}) {
  const at = argv.indexOf('--processes');
  const processes = at === -1 ? 500 : Number(argv[at + 1]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supd-bench-cli-'));
  const runner = path.join(dir, 'unbundled.mjs');
  writeFileSync(runner, `import { runCli } from ${JSON.stringify(pathToFileURL(UNBUNDLED).href)};\nawait runCli();\n`);
  const esm = path.join(dir, 'esm-bundle.mjs');
  writeFileSync(esm, `import { runCli } from ${JSON.stringify(pathToFileURL(ESM_BUNDLE).href)};\nawait runCli();\n`);
  const config = path.join(dir, 'daemons.toml');
  writeFileSync(config, `[programs.sleep]\ncommand = ["/usr/bin/sleep", "100000"]\nprocesses = ${processes}\nstart_secs = "0s"\n`);
  const daemon = spawn(process.execPath, [BIN, 'run', '-c', config], { cwd: dir, stdio: 'ignore', detached: true });
  try {
    await waitAllRunning(path.join(dir, '.supd', 'supd.sock'), processes);
    const commands = {
      'node -e 0': [process.execPath, ['-e', '0']],
      'supd --version (bin/supd.js)': [process.execPath, [BIN, '--version']],
      'supd --version (unbundled)': [process.execPath, [runner, '--version']],
      [`supd status, ${processes} (bin/supd.js: status.cjs)`]: [process.execPath, [BIN, 'status', '-c', config]],
      [`supd status, ${processes} (ES module bundle)`]: [process.execPath, [esm, 'status', '-c', config]],
      [`supd status, ${processes} (unbundled)`]: [process.execPath, [runner, 'status', '-c', config]],
    };
    const names = Object.keys(commands);
    const times = Object.fromEntries(names.map((n) => [n, []]));
    for (const [file, args] of Object.values(commands)) {
      const warm = spawnSync(file, args, { encoding: 'utf8' });
      if (warm.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${warm.stderr}`);
    }
    const cpu = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length];
        const [file, args] = commands[name];
        // Through bash, whose `times` prints its children's user and system CPU (1 ms steps):
        // CPU time suffers far less than wall time from other work on the machine. bash's own
        // start is in every wall time alike, so it cancels out of the differences.
        const started = process.hrtime.bigint();
        const out = spawnSync('/bin/bash', ['-c', '"$@" >/dev/null 2>&1; times', 'bash', file, ...args], { encoding: 'utf8' });
        times[name].push(Number(process.hrtime.bigint() - started) / 1e6);
        cpu[name].push(childCpuMs(out.stdout));
      }
    }
    const stats = Object.fromEntries(names.map((n) => [n, { ...summarize(times[n]), cpu: summarize(cpu[n]) }]));
    const floor = stats['node -e 0'];
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.availableParallelism(),
      loadavg: os.loadavg(),
      runs,
      processes,
      stats,
      overNodeMs: Object.fromEntries(names.slice(1).map((n) => [n, { min: round1(stats[n].min - floor.min), median: round1(stats[n].median - floor.median), cpuMin: round1(stats[n].cpu.min - floor.cpu.min), cpuMedian: round1(stats[n].cpu.median - floor.cpu.median) }])),
    };
    report(result);
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ ...result, times, cpu }, null, 2)}\n`);
    return result;
  } finally {
    try {
      process.kill(daemon.pid, 'SIGTERM');
    } catch {
      // gone
    }
    await new Promise((resolve) => (daemon.exitCode !== null || daemon.signalCode !== null ? resolve() : daemon.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(result) {
  say(`cli latency: ${result.runs} interleaved rounds, ${result.cpus} cores, load ${result.loadavg.map((l) => l.toFixed(1)).join(' ')}`);
  const width = Math.max(...Object.keys(result.stats).map((n) => n.length));
  for (const [name, s] of Object.entries(result.stats)) {
    const over = result.overNodeMs[name];
    const extra = over === undefined ? '' : `   over node -e 0: wall min +${over.min} median +${over.median} ms, CPU min +${over.cpuMin} median +${over.cpuMedian} ms`;
    say(`  ${name.padEnd(width)}  wall min ${s.min} median ${s.median} p90 ${s.p90} ms; CPU min ${s.cpu.min} median ${s.cpu.median} ms${extra}`);
  }
  say(`  goals (over node -e 0): status ${GOALS.status} ms, --version ${GOALS.version} ms`);
}

// The second line of bash's `times`: its children's user and system time, as `0m0.054s 0m0.008s`.
function childCpuMs(text) {
  const line = text.trim().split('\n').at(-1) ?? '';
  const ms = [...line.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => (Number(m[1]) * 60 + Number(m[2])) * 1000);
  return ms.length === 2 ? ms[0] + ms[1] : NaN;
}

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  return { min: round1(sorted[0]), median: round1(at(0.5)), p90: round1(at(0.9)) };
}

const round1 = (v) => Math.round(v * 10) / 10;

async function waitAllRunning(socket, n) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const reply = await ask(socket, { id: 1, cmd: 'status' }).catch(() => null);
    if (reply?.ok === true && reply.result.processes.filter((p) => p.state === 'running').length >= n) return;
    await sleep(200);
  }
  throw new Error(`not all ${n} processes running after 120 s`);
}

function ask(socketPath, request) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const socket = net.createConnection(socketPath);
    socket.setEncoding('utf8');
    socket.setTimeout(20_000, () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      socket.destroy();
      resolve(JSON.parse(buffered.slice(0, newline)));
    });
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs');
  run({ runs: at === -1 ? undefined : Number(process.argv[at + 1]) }).catch((error) => {
    say(error.stack ?? String(error));
    process.exitCode = 1;
  });
}
