// Loading and validating a generated 1,000-program daemons.toml: `supd check` as a real process
// (wall time, Node's start-up included; goal < 250 ms) and loadConfig alone, in process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const RESULTS = path.join(ROOT, 'bench', 'results', 'config.json');
const PROGRAMS = 1000;
const GOAL_MS = 250;

export async function run({ runs = 15 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'supd-bench-'));
  try {
    const file = path.join(dir, 'daemons.toml');
    const text = generateConfig(PROGRAMS);
    writeFileSync(file, text);
    const check = runCheck(file);
    if (check.status !== 0) throw new Error(`supd check failed on the generated config:\n${check.stderr}`);
    const nodeOnly = timeRuns(runs, () => spawnSync(process.execPath, ['-e', '0']));
    const cli = timeRuns(runs, () => runCheck(file));
    const inProcess = await timeLoadConfig(file, runs);
    const result = {
      programs: PROGRAMS,
      bytes: Buffer.byteLength(text),
      summary: check.stdout.trim(),
      runs,
      node: process.version,
      supd_check_ms: summarize(cli),
      node_startup_ms: summarize(nodeOnly),
      load_config_ms: { first: round(inProcess.first), ...summarize(inProcess.rest) },
      goal_ms: GOAL_MS,
      // Wall times mean little on a busy machine: keep the load beside them.
      load_average: round(loadavg()[0]),
      cpus: availableParallelism(),
    };
    report(result);
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`  written to ${path.relative(process.cwd(), RESULTS)}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runCheck(file) {
  return spawnSync(process.execPath, [SUPD, 'check', '-c', file], { encoding: 'utf8' });
}

function timeRuns(runs, fn) {
  fn(); // warm the file cache, not measured
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

// The first call pays the module loading (validator, schema); the rest show the steady state.
async function timeLoadConfig(file, runs) {
  const start = process.hrtime.bigint();
  const { loadConfig } = await import('../dist/src/config/load.js');
  loadConfig(file, { env: {} });
  const first = Number(process.hrtime.bigint() - start) / 1e6;
  return { first, rest: timeRuns(runs, () => loadConfig(file, { env: {} })) };
}

function summarize(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { median: round(at(0.5)), min: round(sorted[0]), p90: round(at(0.9)) };
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

function report(r) {
  const line = (label, s) => `  ${label.padEnd(28)} median ${s.median} ms   min ${s.min} ms   p90 ${s.p90} ms`;
  console.log(`config: ${r.programs} programs, ${Math.round(r.bytes / 1024)} KiB (${r.summary}), ${r.runs} runs, node ${r.node}`);
  console.log(line('supd check (process)', r.supd_check_ms));
  console.log(line('node -e 0 (start-up alone)', r.node_startup_ms));
  console.log(`${line('loadConfig (in process)', r.load_config_ms)}   first ${r.load_config_ms.first} ms`);
  if (r.load_average > r.cpus) console.log(`  note: load average ${r.load_average} on ${r.cpus} CPUs: the machine is busy, times are inflated`);
  const verdict = r.supd_check_ms.median <= r.goal_ms ? 'within' : 'OVER';
  console.log(`  goal: supd check under ${r.goal_ms} ms including start-up: ${verdict} (${r.supd_check_ms.median} ms)`);
}

/** A varied config: plain programs, programs with methods, env with ${VAR:-default}, backoff, args. */
export function generateConfig(programs) {
  const parts = [
    '[supervisor]\nlog_level = "info"\nshutdown_timeout = "30s"\n',
    '[defaults]\nrestart = "always"\nstop_timeout = "10s"\nenv = { APP_ENV = "${APP_ENV:-production}" }\n',
  ];
  for (let i = 0; i < programs; i++) parts.push(generateProgram(i));
  return parts.join('\n');
}

function generateProgram(i) {
  const name = `prog-${String(i).padStart(4, '0')}`;
  const lines = [`[programs.${name}]`];
  lines.push(i % 2 === 0 ? `command = "node workers/${name}.js --id ${i} --name 'worker ${i}'"` : `command = ["node", "workers/${name}.js", "--id", "${i}"]`);
  if (i % 3 === 0) lines.push(`args = ["--queue", "q${i % 7}", "--verbose"]`);
  lines.push(`processes = ${i % 4}`);
  if (i % 5 === 0) lines.push(`env = { PORT = "\${BASE_PORT:-${8000 + i}}", NAME = "${name}", WEIGHT = ${i % 10} }`);
  if (i % 7 === 0) lines.push('backoff = { initial = "500ms", max = "2m", factor = 1.5, jitter = 0.2 }');
  if (i % 11 === 0) lines.push('restart = "on-failure"\nsuccess_exit_codes = [0, 3]\nstop_signal = "INT"');
  if (i % 13 === 0) lines.push('start_secs = "2.5s"\nmax_restarts = 10\nrestart_window = "5m"\numask = "022"');
  if (i % 6 === 0) {
    lines.push('', `[programs.${name}.methods.mailer]`, 'processes = 2', 'env = { QUEUE = "mail" }');
    lines.push('', `[programs.${name}.methods.importer]`, 'args = ["import", "--batch", "100"]', 'backoff = { max = "30s" }');
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
