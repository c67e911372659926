#!/usr/bin/env node
// Console output beside file output: 1,000,000 lines of 101 bytes from one child (`cat` of a
// prepared file) through supd with stdout = "console" (supd's own stdout is a file here, as a
// container runtime's pipe reader would drain it), with log_format = "json", and with an
// ordinary log file (no gzip) as the reference. For each: lines/s from the child's start until
// the output holds every line, supd's CPU seconds over that time, and lines lost or cut
// (every line must come once, whole, with its prefix). Medians of --runs runs (default 3).
// Writes bench/results/console.json.
//
//   npm run bench -- console [--runs N]   or   node bench/console.js   (after npm run build)
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, LINES, prepareInput, waitUntil, WIDTH } from './logs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const MODES = {
  'file (stdout = { max_size = 0 })': { stdout: '{ max_size = 0 }', format: 'text' },
  'console (stdout = "console")': { stdout: '"console"', format: 'text' },
  'console, log_format = "json"': { stdout: '"console"', format: 'json' },
};

export async function run({ runs = Number(process.env.BENCH_RUNS ?? 3) } = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'supd-bench-console-'));
  try {
    const input = prepareInput(path.join(work, 'lines.txt'));
    const results = { lines: LINES, line_bytes: WIDTH, runs, cpus: cpus().length, node: process.version, load_before: loadavg()[0], modes: {} };
    for (const [name, mode] of Object.entries(MODES)) {
      const samples = [];
      for (let i = 0; i < runs; i++) {
        const dir = path.join(work, `run-${i}`);
        mkdirSync(path.join(dir, 'logs'), { recursive: true });
        try {
          samples.push(await runSupd(dir, input, mode));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      results.modes[name] = summarize(samples);
      const r = results.modes[name];
      console.log(`${name.padEnd(40)} ${r.seconds.toFixed(2)} s  ${Math.round(r.lines_per_s).toLocaleString('en')} lines/s  supd cpu ${r.cpu_s.toFixed(2)} s  lost ${r.lines_lost_max}  cut ${r.lines_cut_max}`);
    }
    results.load_after = loadavg()[0];
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'console.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('\nwrote bench/results/console.json');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function runSupd(dir, input, mode) {
  const config = path.join(dir, 'daemons.toml');
  const script = `date +%s%N > ${dir}/t0; exec cat ${input}`;
  writeFileSync(config, `[supervisor]\nlog_format = "${mode.format}"\n[programs.flood]\ncommand = ["sh", "-c", ${JSON.stringify(script)}]\nautostart = false\nrestart = "never"\nstdout = ${mode.stdout}\n`);
  const consoleFile = path.join(dir, 'console.out');
  const out = openSync(consoleFile, 'w');
  const supd = spawn(process.execPath, [SUPD, 'run', '-c', config], { stdio: ['ignore', out, 'ignore'] });
  closeSync(out);
  const exited = new Promise((resolve) => supd.once('exit', resolve));
  const target = mode.stdout === '"console"' ? consoleFile : path.join(dir, 'logs', 'flood-0.out.log');
  try {
    await waitUntil(() => cli(['status', '-c', config]), 10_000, 'supd to answer');
    const cpuBefore = cpuSeconds(supd.pid);
    cli(['start', 'flood', '--no-wait', '-c', config]);
    const done = await waitForLastLine(target);
    const seconds = (done - startedAt(dir)) / 1000;
    const cpu = cpuSeconds(supd.pid) - cpuBefore;
    return { seconds, lines_per_s: LINES / seconds, cpu_s: cpu, ...verify(target, mode) };
  } finally {
    supd.kill('SIGTERM');
    await exited;
  }
}

const startedAt = (dir) => Number(BigInt(readFileSync(path.join(dir, 't0'), 'utf8').trim()) / 1000n) / 1000;

/** Polls until the output holds the last line's number; returns Date.now(). */
async function waitForLastLine(file) {
  const last = String(LINES - 1).padStart(8, '0');
  const deadline = Date.now() + 180_000;
  let checked = 0;
  while (Date.now() < deadline) {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      size = 0;
    }
    if (size !== checked) {
      // Only the tail can hold the last line.
      const fd = openSync(file, 'r');
      const tail = Buffer.alloc(Math.min(size, 4096));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      closeSync(fd);
      if (tail.toString('latin1').includes(`${last} x`)) return Date.now();
      checked = size;
    }
    await sleep(2);
  }
  throw new Error(`${file} never got line ${last}`);
}

/** Every numbered line once and whole (after its prefix, or inside its JSON msg). */
function verify(file, mode) {
  const seen = new Uint8Array(LINES);
  let cut = 0;
  for (const line of readFileSync(file, 'latin1').split('\n').slice(0, -1)) {
    let body = line;
    if (mode.stdout === '"console"' && mode.format === 'text') body = line.startsWith('flood:0 | ') ? line.slice(10) : '';
    if (mode.format === 'json') {
      try {
        body = JSON.parse(line).msg;
      } catch {
        body = '';
      }
    }
    const n = Number(body.slice(0, 8));
    if (body.length === WIDTH - 1 && Number.isInteger(n) && n < LINES) seen[n]++;
    else cut++;
  }
  const once = seen.reduce((count, times) => count + (times === 1 ? 1 : 0), 0);
  return { lines_lost: LINES - once, lines_cut: cut };
}

function cli(args) {
  try {
    execFileSync(process.execPath, [SUPD, ...args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function summarize(samples) {
  const median = (key) => samples.map((s) => s[key]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
  const round = (v) => Math.round(v * 1000) / 1000;
  return {
    seconds: round(median('seconds')),
    lines_per_s: Math.round(median('lines_per_s')),
    cpu_s: round(median('cpu_s')),
    lines_lost_max: Math.max(...samples.map((s) => s.lines_lost)),
    lines_cut_max: Math.max(...samples.map((s) => s.lines_cut)),
    seconds_all: samples.map((s) => round(s.seconds)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
