// Binds one held socket (SPEC section 7, `sockets`) so that supd owns it but never accepts on it.
//
// Why not `net.createServer().listen()`: libuv then watches the socket in supd's own event
// loop, and supd would race its children to accept(2) (Node accepts in C++ before any
// 'connection' listener is asked; a listening handle cannot be paused). So supd only binds,
// with net's internal `_createServerHandle` (what cluster's primary uses to share a handle:
// a bound TCP or Pipe handle, nothing watched), and a short-lived `node -e` given the fd as
// its fd 3 calls listen(2) on it and exits at once, before its loop ever polls. The socket
// stays listening for as long as anyone holds it: connections queue in its backlog while no
// copy runs, and programs that want a listening socket (Go's net.FileListener, sd_is_socket)
// get one. The cost is one Node start-up per bind, at supd start or when a reload adds it.
import { spawn } from 'node:child_process';
import { dns } from '../lazy-builtins.js';
import { chmodSync, chownSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { getSystemErrorName } from 'node:util';
import type { SocketSpec } from '../config/types.js';

/** A socket supd holds: its fd goes to every copy; `bound` has the port the OS picked for `:0`. */
export interface BoundSocket {
  readonly address: string;
  readonly bound: string;
  readonly fd: number;
  close(): void;
}

interface ServerHandle {
  readonly fd: number;
  getsockname(out: { address?: string; port?: number }): number;
  close(): void;
}
type CreateServerHandle = (address: string, port: number, addressType: number) => ServerHandle | number;
const createServerHandle = (net as unknown as { _createServerHandle: CreateServerHandle })._createServerHandle;

/** The mode of a unix socket file: the owner and its group may connect. */
export const UNIX_SOCKET_MODE = 0o660;

export class BindError extends Error {}

/** Who owns a unix socket's file: the program's user and group, so that its own side may connect. */
export interface SocketOwner {
  readonly uid: number;
  readonly gid: number;
}

export async function bindSocket(spec: SocketSpec, owner: SocketOwner | null = null): Promise<BoundSocket> {
  const bound = spec.kind === 'unix' ? await bindUnix(spec.path!, owner) : await bindTcp(spec.host!, spec.port!);
  try {
    await listenOnce(bound.handle.fd);
  } catch (error) {
    bound.release();
    throw error;
  }
  return { address: spec.address, bound: bound.shown, fd: bound.handle.fd, close: () => bound.release() };
}

interface Bound {
  readonly handle: ServerHandle;
  readonly shown: string;
  release(): void;
}

async function bindTcp(host: string, port: number): Promise<Bound> {
  const ip = net.isIP(host) !== 0 ? { address: host, family: net.isIP(host) } : await dns().lookup(host).catch((error: NodeJS.ErrnoException) => {
    throw new BindError(`cannot resolve ${host}: ${error.code ?? error.message}`);
  });
  const handle = check(createServerHandle(ip.address, port, ip.family));
  const out: { address?: string; port?: number } = {};
  const err = handle.getsockname(out);
  // libuv defers EADDRINUSE from bind to listen: an unbound socket has port 0.
  if (err !== 0 || out.port === undefined || (port !== 0 && out.port !== port) || out.port === 0) {
    handle.close();
    throw new BindError(err !== 0 && err !== undefined ? getSystemErrorName(err) : 'EADDRINUSE');
  }
  const shown = ip.family === 6 ? `[${out.address}]` : out.address;
  return { handle, shown: `tcp://${shown}:${out.port}`, release: () => handle.close() };
}

async function bindUnix(file: string, owner: SocketOwner | null): Promise<Bound> {
  mkdirSync(path.dirname(file), { recursive: true });
  await removeStaleSocket(file);
  const handle = check(createServerHandle(file, -1, -1));
  const ino = lstatSync(file).ino;
  chmodSync(file, UNIX_SOCKET_MODE);
  if (owner !== null) chownSync(file, owner.uid, owner.gid);
  const release = (): void => {
    handle.close();
    // Only our own file: another may have been bound at the path since.
    try {
      if (lstatSync(file).ino === ino) unlinkSync(file);
    } catch {
      // already gone
    }
  };
  return { handle, shown: `unix:${file}`, release };
}

// A socket file nobody listens on is left over (a supd that was killed): remove it. One that
// answers is in use, and anything else at the path is not supd's to delete.
async function removeStaleSocket(file: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(file).isSocket();
  } catch {
    return;
  }
  if (!isSocket) throw new BindError(`${file} exists and is not a socket`);
  const answered = await new Promise<boolean>((resolve) => {
    const probe = net.connect(file);
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', () => resolve(false));
  });
  if (answered) throw new BindError('EADDRINUSE (a process listens on it)');
  unlinkSync(file);
}

function check(handle: ServerHandle | number): ServerHandle {
  if (typeof handle === 'number') throw new BindError(getSystemErrorName(handle));
  return handle;
}

const LISTEN_SCRIPT = "const s=require('net').createServer();s.on('error',e=>{process.stderr.write(String(e.code||e.message));process.exit(1)});s.on('listening',()=>process.exit(0));s.listen({fd:3,backlog:511})";

// listen(2) in a throw-away Node given the socket as fd 3 (see the top of this file).
function listenOnce(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', LISTEN_SCRIPT], { stdio: ['ignore', 'ignore', 'pipe', fd], env: {} });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error) => reject(new BindError(`listen: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BindError(stderr.trim() || `listen failed (exit ${code})`))));
  });
}
