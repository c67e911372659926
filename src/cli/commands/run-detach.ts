// `supd run -d`: start the supervisor as a background process in its own session and return
// once its socket answers, or print why it could not start.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SupdConfig } from '../../config/types.js';
import { connectControl } from '../../control/client.js';
import { write, type CommandContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';

// The script this CLI runs as (bin/supd.js, or a link to it): where it lives, bundled or not.
const BIN = process.argv[1] ?? fileURLToPath(new URL('../../../../bin/supd.js', import.meta.url));
const READY_TIMEOUT_MS = 15_000;

export async function detachSupervisor(config: SupdConfig, context: CommandContext, detachedEnv: string): Promise<number> {
  const child = spawn(process.execPath, [BIN, 'run', '-c', config.file], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...context.env, [detachedEnv]: '1' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? EXIT_FAILED)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const early = await Promise.race([exited, delay(50).then(() => null)]);
    if (early !== null) {
      context.stderr.write(stderr);
      return early;
    }
    if (await answers(config.supervisor.socket, child.pid!)) break;
    if (Date.now() > deadline) {
      context.stderr.write(stderr);
      write(context.stderr, `supd run -d: the supervisor (pid ${child.pid}) did not answer on ${config.supervisor.socket} within ${READY_TIMEOUT_MS} ms`);
      return EXIT_FAILED;
    }
  }
  child.stderr!.destroy();
  child.unref();
  const { socket } = config.supervisor;
  write(context.stdout, context.flags.json === true ? JSON.stringify({ ok: true, pid: child.pid, socket }) : `supd running in the background (pid ${child.pid}), socket ${socket}`);
  return EXIT_OK;
}

// Only the supervisor we started counts: an older one may still hold the socket until ours
// finds it and exits with "already running".
async function answers(socketPath: string, pid: number): Promise<boolean> {
  try {
    const client = await connectControl(socketPath);
    try {
      const pong = await client.request<{ pid: number }>({ cmd: 'ping' });
      return pong.pid === pid;
    } finally {
      client.close();
    }
  } catch {
    return false;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
