// The control socket: a Unix socket (0600, in a 0700 dir) that takes NDJSON requests and
// answers each on the same connection. The only way into a running supervisor.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SupdError, isSupdError } from '../errors.js';
import { MAX_REQUEST_BYTES, type Request, type ServerMessage } from './protocol.js';

/** How a handler streams frames before its final response (`logs -f`). */
export interface ResponseStream {
  /** Sends one frame on the request's id; false when the client reads slower than this sends. */
  send(frame: unknown): boolean;
  /** Resolves once the socket's buffer has drained (or the client is gone). */
  drained(): Promise<void>;
  /** Aborted when the client goes away or the server closes: a follow ends then. */
  readonly signal: AbortSignal;
}

export type RequestHandler = (request: Request, stream: ResponseStream) => Promise<unknown>;

export interface ControlServer {
  close(): Promise<void>;
}

export async function startControlServer(socketPath: string, handle: RequestHandler): Promise<ControlServer> {
  mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  rmSync(socketPath, { force: true });
  const connections = new Map<net.Socket, AbortController>();
  const answering = new Set<Promise<void>>();
  const track: Tracker = (answer) => {
    answering.add(answer);
    void answer.finally(() => answering.delete(answer));
  };
  const server = net.createServer((socket) => {
    const abort = new AbortController();
    connections.set(socket, abort);
    socket.on('close', () => {
      abort.abort();
      connections.delete(socket);
    });
    serveConnection(socket, handle, abort.signal, track);
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
      // End the streams (their handlers then answer), and let the answers on their way
      // (shutdown's own among them) reach their clients first.
      for (const abort of connections.values()) abort.abort();
      await Promise.race([Promise.all(answering), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      for (const socket of connections.keys()) {
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }
      await closed;
      rmSync(socketPath, { force: true });
    },
  };
}

type Tracker = (answer: Promise<void>) => void;

function serveConnection(socket: net.Socket, handle: RequestHandler, signal: AbortSignal, track: Tracker): void {
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
      if (line.trim() !== '') track(answer(socket, line, handle, signal));
    }
  });
}

async function answer(socket: net.Socket, line: string, handle: RequestHandler, signal: AbortSignal): Promise<void> {
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
    reply(socket, { id, ok: true, result: await handle(request, streamTo(socket, id, signal)) });
  } catch (error) {
    const e = isSupdError(error) ? error : new SupdError('SUPD_E_INTERNAL', (error as Error).message ?? String(error));
    reply(socket, { id, ok: false, error: { code: e.code, message: e.message, ...(e.issues.length > 0 ? { issues: e.issues } : {}) } });
  }
}

function reply(socket: net.Socket, message: ServerMessage): boolean {
  if (!socket.destroyed && socket.writable) return socket.write(`${JSON.stringify(message)}\n`);
  return true;
}

function streamTo(socket: net.Socket, id: number, signal: AbortSignal): ResponseStream {
  return {
    send: (frame) => reply(socket, { id, frame }),
    drained: () =>
      new Promise((resolve) => {
        if (!socket.writableNeedDrain || signal.aborted) return resolve();
        const done = (): void => {
          socket.off('drain', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        socket.on('drain', done);
        signal.addEventListener('abort', done);
      }),
    signal,
  };
}
