// One probe of a process: a TCP connect, an HTTP GET (2xx), or a command (exit 0). Each
// resolves to null when it passed, or to why it failed; none takes longer than its timeout.
import { dns } from '../lazy-builtins.js';
import net from 'node:net';
import { ipBytes, listenerServes, readListeners, socketInodes } from '../process/proc-net.js';
import { signalProcess, spawnChild, type SpawnRequest } from '../process/spawner.js';

export type ProbeResult = string | null;

export function splitHostPort(target: string): { host: string; port: number } {
  const at = target.lastIndexOf(':');
  const host = target.slice(0, at).replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return { host, port: Number(target.slice(at + 1)) };
}

export function probeTcp(target: string, timeoutMs: number): Promise<ProbeResult> {
  const { host, port } = splitHostPort(target);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(`tcp ${target}: no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => finish(null));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(`tcp ${target}: ${error.code ?? error.message}`));
  });
}

/**
 * ready.tcp: passes when a socket listening on `target` belongs to one of `members` (the
 * copy's processes, the main one first), read from /proc; no connection is made. The copy's
 * own sockets are looked at first (cheap); the tcp tables only when it holds one, unless
 * `thorough` (to say who holds the port when the wait ends).
 */
export async function probeTcpListener(target: string, members: () => readonly number[], thorough = false): Promise<ProbeResult> {
  const { host, port } = splitHostPort(target);
  let addresses: Buffer[];
  try {
    const literal = ipBytes(host);
    addresses = literal !== null ? [literal] : (await dns().lookup(host, { all: true })).flatMap((a) => ipBytes(a.address) ?? []);
  } catch (error) {
    return `tcp ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  const pids = members();
  if (pids.length === 0) return `tcp ${target}: the process is gone`;
  const own = socketInodes(pids);
  if (own.size === 0 && !thorough) return `tcp ${target}: no socket of this copy listens there`;
  const there = readListeners(pids[0]!).filter((l) => listenerServes(l, addresses, port));
  if (there.some((l) => own.has(l.inode))) return null;
  if (there.length > 0) return `tcp ${target}: the listening socket belongs to another process, not this copy`;
  return `tcp ${target}: nothing listens there`;
}

// http and https (with tls) load on the first HTTP probe, not with every supd.
export async function probeHttp(url: string, timeoutMs: number): Promise<ProbeResult> {
  const client = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = client.get(url, { timeout: timeoutMs, agent: false, headers: { 'user-agent': 'supd-probe' } }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      finish(status >= 200 && status < 300 ? null : `http ${url}: status ${status}`);
    });
    request.on('timeout', () => {
      request.destroy();
      finish(`http ${url}: no answer within ${timeoutMs} ms`);
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish(`http ${url}: ${error.code ?? error.message}`));
  });
}

// Run as the program runs (spawnChild: its user and group through setpriv, its own process
// group, killed whole at the timeout); its output is discarded.
export async function probeExec(request: SpawnRequest, timeoutMs: number): Promise<ProbeResult> {
  const command = request.argv.join(' ');
  const spawned = await spawnChild(request);
  if (!spawned.ok) return `exec ${request.argv[0]}: ${spawned.reason}`;
  const child = spawned.child;
  child.stdout.resume();
  child.stderr.resume();
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalProcess(child.pid, 'SIGKILL', true);
    }, timeoutMs);
    child.onExit((code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else if (timedOut) resolve(`exec ${command}: no exit within ${timeoutMs} ms`);
      else resolve(`exec ${command}: ${signal ?? `exit ${code}`}`);
    });
  });
}
