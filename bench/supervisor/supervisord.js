// supervisord (Debian package `supervisor`) in the bench: `supervisord -n -c FILE` in the
// foreground, its state read with one XML-RPC call (getAllProcessInfo) on its Unix socket,
// `supervisorctl status` as the CLI figure, SIGTERM to stop.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { forceStopDaemon, readStartTime, stopDaemon } from './proc.js';

const RPC_BODY = '<?xml version="1.0"?><methodCall><methodName>supervisor.getAllProcessInfo</methodName><params></params></methodCall>';

export const supervisord = {
  name: 'supervisord',

  unavailable() {
    try {
      execFileSync('supervisord', ['--version'], { stdio: 'ignore' });
      execFileSync('supervisorctl', ['--help'], { stdio: 'ignore' });
      return null;
    } catch {
      return 'not installed: run bench/setup.sh (apt-get install supervisor)';
    }
  },

  version() {
    return execFileSync('supervisord', ['--version'], { encoding: 'utf8' }).trim();
  },

  async start(dir, programs) {
    const config = path.join(dir, 'supervisord.conf');
    const socket = path.join(dir, 'supervisor.sock');
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const lines = [
      '[unix_http_server]',
      `file=${socket}`,
      '[supervisord]',
      `logfile=${path.join(dir, 'supervisord.log')}`,
      `pidfile=${path.join(dir, 'supervisord.pid')}`,
      `childlogdir=${path.join(dir, 'logs')}`,
      'nodaemon=true',
      'minfds=8192',
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '[supervisorctl]',
      `serverurl=unix://${socket}`,
    ];
    for (const p of programs.filter((p) => p.count > 0)) {
      lines.push(
        `[program:${p.name}]`,
        `command=${p.argv.join(' ')}`,
        `numprocs=${p.count}`,
        p.count > 1 ? 'process_name=%(program_name)s_%(process_num)d' : 'process_name=%(program_name)s',
        `startsecs=${p.startSecs}`,
        'autorestart=true',
        'stopasgroup=true',
        'killasgroup=true',
      );
    }
    writeFileSync(config, `${lines.join('\n')}\n`);
    const stderr = openSync(path.join(dir, 'supervisord.stderr'), 'a');
    const child = spawn('supervisord', ['-n', '-c', config], { cwd: dir, stdio: ['ignore', stderr, stderr], detached: true });
    child.on('error', () => undefined);
    return { child, pid: child.pid, startTime: readStartTime(child.pid), config, socket };
  },

  daemonPid(handle) {
    return handle.pid;
  },

  async runningCount(handle) {
    const xml = await callRpc(handle.socket);
    if (xml === null || !xml.includes('<methodResponse>') || xml.includes('<fault>')) return null;
    return (xml.match(/<name>statename<\/name>\s*<value><string>RUNNING<\/string>/g) ?? []).length;
  },

  statusCommand(handle) {
    return { file: 'supervisorctl', args: ['-c', handle.config, 'status'], env: process.env };
  },

  stop: stopDaemon,
  forceStop: forceStopDaemon,
};

function callRpc(socketPath) {
  return new Promise((resolve) => {
    const request = http.request(
      { socketPath, path: '/RPC2', method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(RPC_BODY) }, timeout: 10_000 },
      (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve(Buffer.concat(chunks).toString()));
        response.on('error', () => resolve(null));
      },
    );
    request.on('error', () => resolve(null));
    request.on('timeout', () => request.destroy());
    request.end(RPC_BODY);
  });
}
