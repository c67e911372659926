// The control socket: a Unix socket (0600, in a 0700 dir) that takes NDJSON requests and
// answers each on the same connection. The only way into a running supervisor.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SupdError, isSupdError } from '../errors.js';
import { MAX_REQUEST_BYTES, type Request, type Response } from './protocol.js';

export type RequestHandler = (request: Request) => Promise<unknown>;

export interface ControlServer {
  close(): Promise<void>;
}

export async function startControlServer(socketPath: string, handle: RequestHandler): Promise<ControlServer> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  rmSync(socketPath, { force: true });
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, handle);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Let answers already on their way (shutdown's own) reach their clients first.
      await new Promise((resolve) => setImmediate(resolve));
      for (const socket of connections) {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      await closed;
      rmSync(socketPath, { force: true });
    },
  };
}

function serveConnection(socket: net.Socket, handle: RequestHandler): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_REQUEST_BYTES && !buffered.includes('\n')) {
      reply(socket, { id: 0, ok: false, error: { code: 'SUPD_E_PROTOCOL', message: `request larger than ${MAX_REQUEST_BYTES} bytes` } });
      socket.end();
      socket.pause();
      buffered = '';
      return;
    }
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') void answer(socket, line, handle);
    }
  });
}

async function answer(socket: net.Socket, line: string, handle: RequestHandler): Promise<void> {
  let request: Request;
  try {
    request = JSON.parse(line) as Request;
    if (typeof request !== 'object' || request === null || typeof request.cmd !== 'string') throw new Error('not a request object');
  } catch (error) {
    reply(socket, { id: 0, ok: false, error: { code: 'SUPD_E_PROTOCOL', message: `bad request: ${(error as Error).message}` } });
    return;
  }
  const id = typeof request.id === 'number' ? request.id : 0;
  try {
    reply(socket, { id, ok: true, result: await handle(request) });
  } catch (error) {
    const e = isSupdError(error) ? error : new SupdError('SUPD_E_INTERNAL', (error as Error).message ?? String(error));
    reply(socket, { id, ok: false, error: { code: e.code, message: e.message, ...(e.issues.length > 0 ? { issues: e.issues } : {}) } });
  }
}

function reply(socket: net.Socket, response: Response): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(response)}\n`);
}
