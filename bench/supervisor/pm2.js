// PM2 (from bench/peers, installed by bench/setup.sh) in the bench: `pm2 start apps.json`
// with its own PM2_HOME in the run's temp dir, its state read with one RPC call
// (getMonitorData, what `pm2 jlist` asks) on the daemon's socket, `pm2 jlist` as the CLI
// figure, `pm2 kill` to stop. PM2 asks a remote server for its latest version the first time
// a PM2_HOME is used (and its daemon once a day): the `touch` file and
// PM2_DISABLE_VERSION_CHECK (7.x) keep the bench off the network.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, killRecorded, listDescendants, readStartTime, timeCommand, waitForExit, waitUntil } from './proc.js';

const PEERS = fileURLToPath(new URL('../peers/', import.meta.url));
const PM2_DIR = path.join(PEERS, 'node_modules/pm2');
const PM2_BIN = path.join(PM2_DIR, 'bin/pm2');

// PM2's own RPC client, wherever its version keeps it (5.x: a dependency; 7.x: bundled).
function loadRpc() {
  const require = createRequire(path.join(PM2_DIR, 'lib/Client.js'));
  const load = (name) => {
    try {
      return require(`../modules/${name}`);
    } catch {
      return require(name);
    }
  };
  return { axon: load('pm2-axon'), rpc: load('pm2-axon-rpc') };
}

function pm2Env(home) {
  return { ...process.env, PM2_HOME: home, PM2_DISABLE_VERSION_CHECK: 'true' };
}

export const pm2 = {
  name: 'pm2',

  unavailable() {
    return existsSync(PM2_BIN) ? null : 'not installed: run bench/setup.sh (npm ci --prefix bench/peers)';
  },

  version() {
    return JSON.parse(readFileSync(path.join(PM2_DIR, 'package.json'), 'utf8')).version;
  },

  async start(dir, programs) {
    const home = path.join(dir, 'pm2home');
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'touch'), String(Date.now()));
    const apps = [];
    for (const p of programs) {
      for (let i = 0; i < p.count; i++) {
        apps.push({
          name: p.count > 1 ? `${p.name}-${i}` : p.name,
          script: p.argv[0],
          args: p.argv.slice(1),
          interpreter: 'none',
          exec_mode: 'fork',
          autorestart: true,
          min_uptime: p.startSecs * 1000,
        });
      }
    }
    const appsFile = path.join(dir, 'apps.json');
    writeFileSync(appsFile, JSON.stringify({ apps }, null, 1));
    const args = apps.length === 0 ? ['ping'] : ['start', appsFile];
    const cli = spawn(process.execPath, [PM2_BIN, ...args], { cwd: dir, env: pm2Env(home), stdio: 'ignore' });
    cli.on('error', () => undefined);
    return { cli, home, appNames: new Set(apps.map((a) => a.name)), pid: null, startTime: null };
  },

  /** The God daemon's pid, from PM2_HOME/pm2.pid once it is there. */
  daemonPid(handle) {
    if (handle.pid !== null) return handle.pid;
    try {
      const pid = Number(readFileSync(path.join(handle.home, 'pm2.pid'), 'utf8').trim());
      if (pid > 0 && isAlive(pid)) {
        handle.pid = pid;
        handle.startTime = readStartTime(pid);
      }
    } catch {
      // not written yet
    }
    return handle.pid;
  },

  async runningCount(handle) {
    if (this.daemonPid(handle) === null || !existsSync(path.join(handle.home, 'rpc.sock'))) return null;
    const list = await callRpc(path.join(handle.home, 'rpc.sock'), 'getMonitorData');
    if (list === null) return null;
    return list.filter((p) => handle.appNames.has(p.name) && p.pm2_env?.status === 'online').length;
  },

  statusCommand(handle) {
    return { file: process.execPath, args: [PM2_BIN, 'jlist'], env: pm2Env(handle.home) };
  },

  async stop(handle) {
    await waitForExit(handle.cli, 120_000);
    const pid = this.daemonPid(handle);
    const left = pid === null ? [] : listDescendants(pid);
    await timeCommand(process.execPath, [PM2_BIN, 'kill'], { env: pm2Env(handle.home) });
    if (pid !== null) {
      await waitUntil(() => !isAlive(pid, handle.startTime), { intervalMs: 50, timeoutMs: 10_000 });
      killRecorded([{ pid, startTime: handle.startTime }]);
    }
    return killRecorded(left);
  },

  forceStop(handle) {
    if (handle.cli.exitCode === null) handle.cli.kill('SIGKILL');
    const pid = this.daemonPid(handle);
    if (pid === null) return;
    const left = listDescendants(pid);
    killRecorded([{ pid, startTime: handle.startTime }, ...left]);
  },
};

function callRpc(socketPath, method) {
  const { axon, rpc } = loadRpc();
  return new Promise((resolve) => {
    const req = axon.socket('req');
    const client = new rpc.Client(req);
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.close();
      resolve(value);
    };
    const timer = setTimeout(() => finish(null), 10_000);
    req.on('error', () => finish(null));
    req.once('reconnect attempt', () => finish(null));
    req.connect(socketPath);
    client.call(method, {}, (error, result) => finish(error ? null : result));
  });
}
