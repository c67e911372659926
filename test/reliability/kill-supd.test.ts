// kill -9 of supd at random moments, 20 times (100 in the soak), each cycle on the same state
// dir: mid-spawn (a restart of 6 processes), mid-stop (a child that ignores SIGTERM, being
// stopped), mid-reload (the file changes the pool's count) and mid-rotation (chatty children
// rotating every 16 KB; killed when a gzip is under way). After each kill: no process supd
// started survives it by more than 2 s; a supd restarted on the same state dir runs exactly
// the counts of the file; and, at the end, every log line written long enough before a kill
// (LOSS_WINDOW_MS) is in the files, once, whole and in order.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { checkNumberedLines, readLogSet, readProgress } from '../helpers/numbered-lines.js';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { cmdlineOf, processesWithEnv } from '../helpers/procfs.js';
import { reportFigures, sized } from '../helpers/soak.js';
import { supdFor, type SupdUnderTest } from '../helpers/supd.js';
import type { TempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const CYCLES = sized(20, 100);
const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
/** No survivor after this long (SPEC section 4). */
const ORPHAN_MS = 2000;
/**
 * A line still in the pipe or in supd's memory when supd is killed is gone with them (the pipe
 * dies with its reader), and so is what a child writes between supd's death and its own (the
 * parent-death signal); what supd had time to take is on disk. A line written this long before
 * a kill must be in the files; and any line written no kill near.
 */
const LOSS_WINDOW_MS = 1000;
/** A child may still write this long after supd's kill was sent. */
const DYING_MS = 250;

const configWith = (pool: number): string => `
[supervisor]
shutdown_timeout = "5s"

[programs.chatty]
command = [${node}, "${BIN}/numbered.js", "progress.log", "20", "600", "400"]
processes = 2
start_secs = "0"
stdout = { max_size = "16K", keep = 100000, compress = true }

[programs.pool]
command = ["sleep", "2147483647"]
processes = ${pool}
start_secs = "0"

[programs.stubborn]
command = ["sh", "-c", "trap '' TERM; exec sleep 2147483646"]
start_secs = "0"
stop_timeout = "3s"

[programs.family]
command = ["${BIN}/spawn-grandchild.sh", "grandchild.pid"]
start_secs = "0"
`;

type Moment = 'spawn' | 'stop' | 'reload' | 'rotation';
const MOMENTS: readonly Moment[] = ['spawn', 'stop', 'reload', 'rotation'];

// A seeded generator, so that a failing sequence of delays can be run again (SUPD_SEED).
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test(`kill -9 of supd at random moments, ${CYCLES} times: no orphan, exact counts after a restart, no log line lost`, { timeout: CYCLES * 8000 + 60_000 }, async (t) => {
  const seed = Number(process.env.SUPD_SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  let pool = 4;
  let supd: SupdUnderTest = await supdFor(t, configWith(pool));
  const temp: TempDir = supd.temp;
  const kills: number[] = [];
  const moments: Moment[] = [];
  const orphanMs: number[] = [];
  const done: Record<Moment, number> = { spawn: 0, stop: 0, reload: 0, rotation: 0 };
  let midGzip = 0;
  const cli: Array<Promise<unknown>> = [];
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    await expectExactCounts(supd, pool);
    const moment = MOMENTS[cycle % MOMENTS.length]!;
    if (moment === 'spawn') {
      cli.push(supd.cli('restart', 'pool', 'chatty', '--no-wait'));
      await sleep(random() * 40);
    } else if (moment === 'stop') {
      cli.push(supd.cli('stop', 'stubborn', '--no-wait'));
      await supd.waitForState('stubborn:0', 'stopping', 5000);
      await sleep(random() * 500);
    } else if (moment === 'reload') {
      pool = pool === 4 ? 6 : 4;
      temp.write('daemons.toml', configWith(pool));
      cli.push(supd.cli('reload'));
      await sleep(random() * 300);
    } else {
      // Output pauses 400 ms in each second, so gzips run then: catch one if it can be seen
      // within 2 s (else the kill lands among the rotations, every 70 ms or so).
      await waitFor(() => gzipUnderWay(supd.dir), { timeoutMs: 2000, intervalMs: 1, what: 'a gzip under way' }).catch(() => undefined);
    }
    midGzip += gzipUnderWay(supd.dir) ? 1 : 0;
    kills.push(Date.now());
    moments.push(moment);
    supd.child.kill('SIGKILL');
    done[moment]++;
    orphanMs.push(await timeUntilNoSurvivor(temp.dir));
    await supd.cleanup(true);
    supd = await supdFor(t, configWith(pool), { reuse: temp });
  }
  await expectExactCounts(supd, pool);
  await Promise.allSettled(cli);
  assert.equal(await supd.stop(), 0);
  const logs = checkLogs(temp.dir, kills, moments);
  reportFigures(t, {
    seed: String(seed),
    'kills of supd': CYCLES,
    'by moment (spawn/stop/reload/rotation)': MOMENTS.map((m) => done[m]).join('/'),
    'kills with a gzip under way': midGzip,
    'slowest end of every survivor ms': Math.max(...orphanMs),
    'restarts on the same state dir with exact counts': CYCLES,
    'log lines checked': logs.lines,
    'runs of chatty children': logs.runs,
    'lines lost at kills (younger than 1 s)': logs.lost,
    'oldest line lost ms before its kill': logs.oldestLostMs,
    'bursts lost that were written after the kill': logs.lostAfterKill,
    'supd.log lines checked (every spawn there)': logs.supdLogLines,
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function gzipUnderWay(dir: string): boolean {
  const logs = path.join(dir, 'logs');
  return existsSync(logs) && readdirSync(logs).some((n) => n.endsWith('.gz.partial'));
}

// Everything the killed supd started carries its SUPD_TEST_DIR mark (supd itself and the CLI
// runs of the test aside); all of it must be gone within ORPHAN_MS.
async function timeUntilNoSurvivor(dir: string): Promise<number> {
  const began = Date.now();
  const survivors = (): string[] =>
    processesWithEnv('SUPD_TEST_DIR', dir, (p) => p.pid === process.pid || cmdlineOf(p.pid).includes(SUPD_BIN)).map((p) => `${p.pid} ${cmdlineOf(p.pid)}`);
  await waitFor(() => survivors().length === 0, { timeoutMs: ORPHAN_MS, intervalMs: 10, what: 'no process of the killed supd left' }).catch(() => {
    assert.fail(`survivors ${ORPHAN_MS} ms after kill -9: ${survivors().join('; ')}`);
  });
  return Date.now() - began;
}

// Once all is running: the file's counts, in status and in /proc (not one copy more).
async function expectExactCounts(supd: SupdUnderTest, pool: number): Promise<void> {
  await waitFor(async () => (await supd.status()).processes.every((p) => p.state === 'running'), { timeoutMs: 20_000, what: 'all running' });
  const names = (await supd.status()).processes.map((p) => p.name);
  const expected = ['chatty:0', 'chatty:1', ...Array.from({ length: pool }, (_, i) => `pool:${i}`), 'stubborn:0', 'family:0'];
  assert.deepEqual(names, expected);
  const running = processesWithEnv('SUPD_TEST_DIR', supd.dir).map((p) => cmdlineOf(p.pid));
  const count = (test: (cmd: string) => boolean): number => running.filter(test).length;
  assert.deepEqual(
    {
      chatty: count((c) => c.includes('numbered.js')),
      pool: count((c) => /(^|\/)sleep 2147483647$/.test(c)),
      stubborn: count((c) => /(^|\/)sleep 2147483646$/.test(c)),
      family: count((c) => c.includes('spawn-grandchild.sh')),
      grandchild: count((c) => /(^|\/)sleep 1000$/.test(c)),
    },
    { chatty: 2, pool, stubborn: 1, family: 1, grandchild: 1 },
    `processes in /proc: ${running.join('; ')}`,
  );
}

// Each run of a chatty child (one pid): its lines are 1..last, once each, whole, in order, and
// last covers every line it had written LOSS_WINDOW_MS before the next kill (all of them for a
// run that no kill ended). A run that got no line into the files at all counts with last = 0.
function checkLogs(dir: string, kills: readonly number[], moments: readonly Moment[]): { lines: number; runs: number; lost: number; oldestLostMs: number; lostAfterKill: number; supdLogLines: number } {
  const progress = readProgress(path.join(dir, 'progress.log'));
  const lastOf = new Map<number, number>();
  let lines = 0;
  for (const index of [0, 1]) {
    const check = checkNumberedLines(readLogSet(path.join(dir, 'logs', `chatty-${index}.out.log`)));
    assert.deepEqual(check.broken.slice(0, 5), [], `chatty:${index}: lines cut or glued`);
    lines += check.lines;
    for (const [pid, run] of check.runs) {
      assert.deepEqual({ first: run.first, missing: run.missing, outOfOrder: run.outOfOrder }, { first: 1, missing: 0, outOfOrder: 0 }, `chatty:${index} pid ${pid}: lines 1..${run.last} once each, in order`);
      lastOf.set(pid, run.last);
    }
  }
  let lost = 0;
  let oldestLostMs = 0;
  let lostAfterKill = 0;
  for (const [pid, { marks }] of progress) {
    const last = lastOf.get(pid) ?? 0;
    for (const [seq, ms] of marks) {
      if (seq <= last) continue;
      const k = kills.findIndex((at) => at >= ms - DYING_MS);
      const kill = kills[k];
      assert.ok(
        kill !== undefined && Math.abs(kill - ms) < LOSS_WINDOW_MS,
        `pid ${pid}: line ${seq}, written ${kill === undefined ? 'before a clean shutdown' : `${kill - ms} ms before kill ${k} (${moments[k]})`}, is not in the files (last there: ${last}; its last marks: ${JSON.stringify(marks.slice(-3))})`,
      );
      oldestLostMs = Math.max(oldestLostMs, kill - ms);
      lostAfterKill += kill < ms ? 1 : 0;
    }
    lost += Math.max(0, (marks.at(-1)?.[0] ?? 0) - last);
  }
  // supd.log is written line by line, synchronously: every spawn of every run is there, whole.
  const supdLog = readLogSet(path.join(dir, 'logs', 'supd.log')).toString('utf8').split('\n').filter(Boolean);
  const malformed = supdLog.filter((l) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) /.test(l));
  assert.deepEqual(malformed.slice(0, 5), [], 'supd.log lines cut or glued');
  const spawned = new Set(supdLog.flatMap((l) => /spawned pid (\d+)/.exec(l)?.[1] ?? []).map(Number));
  for (const pid of progress.keys()) assert.ok(spawned.has(pid), `supd.log lost the spawn of pid ${pid}`);
  return { lines, runs: progress.size, lost, oldestLostMs, lostAfterKill, supdLogLines: supdLog.length };
}
