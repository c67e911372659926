#!/usr/bin/env node
// supd beside supervisord and PM2 (issue 3), in one run: each tool's own RSS with 0/100/
// 200/500 sleeping children, time from the start command until all run, crash-to-respawn
// latency, the status CLI's round trip, and CPU while idle with the most children. Prints a
// table (each figure also as a ratio to the best peer) and writes bench/results/supervisor.json.
//
//   bench/setup.sh                     once: installs supervisord (apt) and PM2 (bench/peers)
//   npm run bench -- supervisor [--quick] [--tools=supd,pm2] [--keep] [--runs N]
//   node bench/supervisor.js [--quick] ...      (the same, without building first)
//
// Everything runs in a temp dir; every daemon the bench started is stopped (and only what
// it started is killed) at the end, on an error, and on Ctrl-C.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pm2 } from './supervisor/pm2.js';
import { measureRespawn, measureSize } from './supervisor/scenarios.js';
import { supd } from './supervisor/supd.js';
import { supervisord } from './supervisor/supervisord.js';
import { measureFloors } from './supervisor/floors.js';
import { buildRows, formatFloors, formatTable } from './supervisor/table.js';

const say = (line) => process.stderr.write(`${line}\n`);

function readOptions(argv) {
  const option = (name) => {
    const inline = argv.find((a) => a.startsWith(`${name}=`));
    if (inline !== undefined) return inline.slice(name.length + 1);
    const at = argv.indexOf(name);
    return at === -1 ? undefined : argv[at + 1];
  };
  return {
    quick: argv.includes('--quick'),
    keep: argv.includes('--keep'),
    out: option('--out') ?? fileURLToPath(new URL('./results/supervisor.json', import.meta.url)),
    tools: (option('--tools') ?? 'supd,supervisord,pm2').split(','),
  };
}

function makePlan(quick, runs) {
  const plan = quick
    ? { sizes: [0, 100, 200], statusSizes: [100, 200], statusRuns: 5, idleSizes: [0, 100, 200], idleMs: 5_000, idleSettleMs: 3_000, crashers: 1, respawns: 6, respawnTimeoutMs: 25_000, settleMs: 500, startTimeoutMs: 60_000 }
    : { sizes: [0, 100, 200, 500], statusSizes: [100, 500], statusRuns: 20, idleSizes: [0, 100, 500], idleMs: 30_000, idleSettleMs: 25_000, crashers: 1, respawns: 30, respawnTimeoutMs: 100_000, settleMs: 1_000, startTimeoutMs: 60_000 };
  return runs === undefined ? plan : { ...plan, statusRuns: runs };
}

// Records a started daemon so that an abort can still stop it; returns the un-record.
function tracker(live) {
  return (driver, handle) => {
    const entry = { driver, handle };
    live.add(entry);
    return () => live.delete(entry);
  };
}

function stopAll(live) {
  for (const { driver, handle } of live) {
    try {
      driver.forceStop(handle);
    } catch {
      // keep cleaning the others
    }
  }
}

async function benchTool(driver, plan, root, track) {
  const result = { version: driver.version(), sizes: {} };
  for (const n of plan.sizes) {
    const size = await measureSize(driver, path.join(root, `${driver.name}-${n}`), n, plan, track);
    result.sizes[n] = size;
    const extra = [
      size.status === undefined ? '' : `, status ${size.status.medianMs.toFixed(0)} ms`,
      size.memory == null ? '' : `, PSS ${(size.memory.pss / 2 ** 20).toFixed(1)} MB, anon ${(size.memory.anon / 2 ** 20).toFixed(1)} MB`,
      size.idleCpuSeconds === undefined ? '' : `, idle ${size.idleCpuSeconds.toFixed(2)} CPU-s, then anon ${(size.memoryAfterIdle.anon / 2 ** 20).toFixed(1)} MB`,
    ].join('');
    say(`${driver.name}: ${n} running after ${(size.untilRunningMs / 1000).toFixed(3)} s, RSS ${(size.rssBytes / 2 ** 20).toFixed(1)} MB${extra}`);
  }
  result.respawn = await measureRespawn(driver, path.join(root, `${driver.name}-respawn`), plan, track);
  const r = result.respawn;
  say(`${driver.name}: respawn p50 ${r.p50Ms?.toFixed(1)} ms, p95 ${r.p95Ms?.toFixed(1)} ms over ${r.count}`);
  return result;
}

/** The bench: every tool one after the other, then the table and the JSON. */
export async function run({ runs, argv = process.argv.slice(2) } = {}) {
  const options = readOptions(argv);
  const plan = makePlan(options.quick, runs);
  const drivers = [supd, supervisord, pm2].filter((t) => options.tools.includes(t.name));
  const root = mkdtempSync(path.join(os.tmpdir(), 'supd-bench-'));
  const live = new Set();
  const cleanup = () => {
    stopAll(live);
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    say(`\nbench: ${signal}: stopping the ${live.size} daemon(s) the bench started`);
    cleanup();
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const meta = {
      date: new Date().toISOString(),
      quick: options.quick,
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryBytes: os.totalmem(),
      loadavgBefore: os.loadavg(),
    };
    say(`bench: ${options.quick ? 'quick' : 'full'} run on ${meta.cpus} cores, node ${meta.node}, load ${meta.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}; temp dir ${root}`);
    if (meta.loadavgBefore[0] > meta.cpus / 2) say('bench: warning: the machine is busy (load average above half its cores): figures will be slower and noisier');
    const floors = await measureFloors(path.join(root, 'floors'), plan);
    say(`floors: node -e 0 ${floors.nodeStartMs.toFixed(0)} ms, Node restart loop p50 ${floors.nodeLoop.p50Ms?.toFixed(1)} ms, bash loop p50 ${floors.bashLoop.p50Ms?.toFixed(1)} ms`);
    const tools = {};
    for (const driver of drivers) {
      const missing = driver.unavailable();
      if (missing !== null) {
        say(`${driver.name}: skipped, ${missing}`);
        tools[driver.name] = { unavailable: missing };
        continue;
      }
      tools[driver.name] = await benchTool(driver, plan, root, tracker(live));
    }
    meta.loadavgAfter = os.loadavg();
    const rows = buildRows(tools, plan, floors);
    process.stdout.write(`\n${formatTable(rows, tools)}\n\n${formatFloors(floors, tools, plan)}\n`);
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify({ meta, plan, table: rows, floors, tools }, null, 2)}\n`);
    say(`\nwrote ${path.relative(process.cwd(), options.out) || options.out}`);
    return { meta, rows, floors, tools };
  } finally {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    say(error.stack ?? String(error));
    process.exitCode = 1;
  });
}
