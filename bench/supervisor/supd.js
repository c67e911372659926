// supd in the bench: `supd run -c daemons.toml` in the foreground, its status read over the
// control socket (one NDJSON request), `supd status` as the CLI figure, SIGTERM to stop.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { forceStopDaemon, readStartTime, stopDaemon } from './proc.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/supd.js');

const toml = (value) => JSON.stringify(value);

export const supd = {
  name: 'supd',
  /** Node options for the daemon (bench/daemon-flags.js sets them on a copy). */
  nodeFlags: [],
  /** Extra environment for the daemon (SUPD_NODE_V8=node: Node's own V8 settings). */
  env: {},

  unavailable() {
    return existsSync(path.join(ROOT, 'dist/bundle/cli/daemon.cjs')) ? null : 'not built: run `npm run build` first';
  },

  version() {
    return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  },

  /** programs: [{ name, argv, count, startSecs }] */
  async start(dir, programs) {
    const config = path.join(dir, 'daemons.toml');
    const lines = [];
    for (const p of programs) {
      lines.push(`[programs.${p.name}]`, `command = [${p.argv.map(toml).join(', ')}]`, `processes = ${p.count}`, `start_secs = "${p.startSecs * 1000}ms"`, '');
    }
    writeFileSync(config, lines.join('\n'));
    const stderr = openSync(path.join(dir, 'supd.stderr'), 'a');
    const child = spawn(process.execPath, [...(this.nodeFlags ?? []), BIN, 'run', '-c', config], { cwd: dir, env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', stderr], detached: true });
    child.on('error', () => undefined);
    return { child, pid: child.pid, startTime: readStartTime(child.pid), config, socket: path.join(dir, '.supd/supd.sock') };
  },

  daemonPid(handle) {
    return handle.pid;
  },

  /** How many processes supd reports `running`, or null while it does not answer. */
  async runningCount(handle) {
    const reply = await requestStatus(handle.socket);
    if (reply === null || reply.ok !== true) return null;
    return reply.result.processes.filter((p) => p.state === 'running').length;
  },

  statusCommand(handle) {
    return { file: process.execPath, args: [BIN, 'status', '-c', handle.config], env: process.env };
  },

  stop: stopDaemon,
  forceStop: forceStopDaemon,
};

function requestStatus(socketPath) {
  return new Promise((resolve) => {
    let buffered = '';
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    const socket = net.createConnection(socketPath);
    socket.setEncoding('utf8');
    socket.setTimeout(10_000, () => finish(null));
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
    socket.on('connect', () => socket.write(`${JSON.stringify({ id: 1, cmd: 'status' })}\n`));
    socket.on('data', (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      try {
        finish(JSON.parse(buffered.slice(0, newline)));
      } catch {
        finish(null);
      }
    });
  });
}
