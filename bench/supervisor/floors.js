// What no Node supervisor can beat on this machine, measured in the same run, so each supd
// figure can be split into Node's share and supd's own: Node's start-up (the CLI's floor),
// spawning N children with child_process.spawn through setpriv with pipes (the start-up
// floor), a Node restart-on-exit loop with and without setpriv and a bare bash loop (the
// respawn floors), and the RSS of a minimal Node supervisor (a socket server holding N piped
// children), 1 s after its spawn loop and after the tools' idle window.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CRASH_SCRIPT, readLatencies } from './scenarios.js';
import { median, percentile, timeCommand } from './proc.js';

const SETPRIV = ['/usr/bin/setpriv', '--pdeathsig', 'SIGKILL', '--'];

// Spawns N sleeping children like supd does (setpriv, pipes, own group), then reports the
// time the spawn loop took and the RSS 1 s later; its children die with it (pdeathsig).
const MINIMAL_SUPERVISOR = `
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
const n = Number(process.env.FLOOR_N);
rmSync(process.env.FLOOR_SOCKET, { force: true });
const server = net.createServer((s) => s.end()).listen(process.env.FLOOR_SOCKET);
const kids = [];
const started = performance.now();
for (let i = 0; i < n; i++) {
  const child = spawn(${JSON.stringify(SETPRIV[0])}, [...${JSON.stringify(SETPRIV.slice(1))}, '/usr/bin/sleep', '100000'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.resume();
  child.stderr.resume();
  child.on('exit', () => undefined);
  kids.push(child);
}
const spawnMs = performance.now() - started;
const memory = () => {
  const rollup = readFileSync('/proc/self/smaps_rollup', 'utf8');
  const kb = (name) => Number(new RegExp('^' + name + ':\\\\s+(\\\\d+)', 'm').exec(rollup)[1]) * 1024;
  return { rssBytes: kb('Rss'), pssBytes: kb('Pss'), anonBytes: kb('Anonymous') };
};
const idleMs = Number(process.env.FLOOR_IDLE_MS ?? 0);
setTimeout(() => {
  const at1s = memory();
  setTimeout(() => {
    const afterIdle = idleMs > 0 ? memory() : null;
    for (const k of kids) { try { process.kill(-k.pid, 'SIGKILL'); } catch {} }
    server.close();
    process.stdout.write(JSON.stringify({ spawnMs, ...at1s, afterIdle }));
    process.exit(0);
  }, Math.max(0, idleMs - 1000));
}, 1000);
`;

// Restarts the crashing child the moment it closes; stops after FLOOR_RESPAWNS respawns.
const RESTART_LOOP = `
import { spawn } from 'node:child_process';
let left = Number(process.env.FLOOR_RESPAWNS) + 1;
const start = () => {
  if (left-- === 0) return;
  const argv = ['/bin/bash', process.env.FLOOR_SCRIPT, process.env.FLOOR_STAMPS, '0.3'];
  if (process.env.FLOOR_SETPRIV === '1') argv.unshift(...${JSON.stringify(SETPRIV)});
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.resume();
  child.stderr.resume();
  child.on('close', start);
};
start();
`;

async function runNode(code, env) {
  const result = await timeCommand(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, ...env } });
  if (result.code !== 0) throw new Error(`floor script failed: ${result.stderr}`);
  return result.stdout === '' ? null : JSON.parse(result.stdout);
}

export async function measureFloors(dir, plan) {
  mkdirSync(dir, { recursive: true });
  const floors = {};
  const starts = [];
  for (let i = 0; i < 10; i++) starts.push((await timeCommand(process.execPath, ['-e', '0'])).ms);
  floors.nodeStartMs = median(starts);
  floors.minimal = {};
  // RSS 1 s after the spawn loop at every size; at the smallest and largest idle sizes also after
  // the idle window the tools get (their 'after idle' rows), read in the same process.
  const idleAt = new Set([plan.idleSizes[0], plan.idleSizes[plan.idleSizes.length - 1]]);
  for (const n of plan.sizes) {
    const idleMs = idleAt.has(n) ? plan.idleSettleMs + plan.idleMs : 0;
    floors.minimal[n] = await runNode(MINIMAL_SUPERVISOR, { FLOOR_N: String(n), FLOOR_SOCKET: path.join(dir, 'floor.sock'), FLOOR_IDLE_MS: String(idleMs) });
  }
  const script = path.join(dir, 'crash.sh');
  writeFileSync(script, CRASH_SCRIPT);
  chmodSync(script, 0o755);
  const respawns = Math.min(plan.respawns, 15);
  const loops = { nodeLoop: path.join(dir, 'node-loop'), nodeLoopNoSetpriv: path.join(dir, 'node-loop-plain'), bashLoop: path.join(dir, 'bash-loop') };
  for (const loopDir of Object.values(loops)) mkdirSync(loopDir);
  for (const [name, setpriv] of [['nodeLoop', '1'], ['nodeLoopNoSetpriv', '0']]) {
    await runNode(RESTART_LOOP, { FLOOR_RESPAWNS: String(respawns), FLOOR_SCRIPT: script, FLOOR_STAMPS: path.join(loops[name], 'stamps-0.log'), FLOOR_SETPRIV: setpriv });
  }
  await timeCommand('/bin/bash', ['-c', `for i in $(seq ${respawns + 1}); do /bin/bash "$0" "$1" 0.3; done`, script, path.join(loops.bashLoop, 'stamps-0.log')]);
  for (const [name, loopDir] of Object.entries(loops)) {
    const latencies = readLatencies(loopDir);
    floors[name] = { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), count: latencies.length };
  }
  return floors;
}
