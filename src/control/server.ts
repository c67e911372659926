// The control socket: a Unix socket (0600, in a 0700 dir) that takes NDJSON requests and
// answers each on the same connection. The only way into a running supervisor.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SupdError, isSupdError } from '../errors.js';
import { LineSplitter } from './line-splitter.js';
import { MAX_REQUEST_BYTES, requestProblem, type Request, type Response, type ServerMessage } from './protocol.js';

/** Connections at once; one more is answered with an error and closed (fds are for children first). */
export const MAX_CONNECTIONS = 2048;
/** Requests of one connection being answered at once; past it, supd reads no more from it until one is done. */
export const MAX_IN_FLIGHT = 16;
/** Answers a client has not read yet; past this the connection is dropped (a client that never reads). */
export const MAX_UNREAD_OUTPUT_BYTES = 4 * 1024 * 1024;

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
    if (connections.size >= MAX_CONNECTIONS) return refuse(socket, `too many connections (${MAX_CONNECTIONS}): try again later`);
    const abort = new AbortController();
    connections.set(socket, abort);
    socket.on('close', () => {
      abort.abort();
      connections.delete(socket);
    });
    serveConnection(socket, handle, abort.signal, track);
  });
  await listen(server, socketPath);
  chmodSync(socketPath, 0o600);
  return { close: () => closeServer(server, socketPath, connections, answering) };
}

// A burst of clients (cron jobs all asking status at once) queues instead of failing with
// EAGAIN, up to the kernel's somaxconn (Node's default backlog is 511).
function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: socketPath, backlog: MAX_CONNECTIONS }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// End the streams (their handlers then answer), and let the answers on their way (shutdown's
// own among them) reach their clients first; after a second every connection goes.
async function closeServer(server: net.Server, socketPath: string, connections: Map<net.Socket, AbortController>, answering: Set<Promise<void>>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const abort of connections.values()) abort.abort();
  await Promise.race([Promise.all(answering), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  for (const socket of connections.keys()) {
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  }
  await closed;
  rmSync(socketPath, { force: true });
}

type Tracker = (answer: Promise<void>) => void;

// Reads requests line by line and answers each, at most MAX_IN_FLIGHT at once: the rest wait
// (in order) with the socket paused, so a client that pipelines faster than supd answers, or
// never reads, costs at most one chunk of lines and MAX_UNREAD_OUTPUT_BYTES of answers.
function serveConnection(socket: net.Socket, handle: RequestHandler, signal: AbortSignal, track: Tracker): void {
  const splitter = new LineSplitter(MAX_REQUEST_BYTES);
  let waiting: string[] = [];
  let next = 0;
  let inFlight = 0;
  socket.on('error', () => socket.destroy());
  const pump = (): void => {
    while (next < waiting.length && inFlight < MAX_IN_FLIGHT && !socket.destroyed) {
      const line = waiting[next++]!;
      inFlight++;
      track(
        answer(socket, line, handle, signal).finally(() => {
          inFlight--;
          pump();
        }),
      );
    }
    if (next === waiting.length) {
      waiting = [];
      next = 0;
    }
    if (waiting.length === 0 && inFlight < MAX_IN_FLIGHT) socket.resume();
    else socket.pause();
  };
  socket.on('data', (chunk: Buffer) => {
    const lines = splitter.push(chunk);
    if (lines === null) return refuse(socket, `request larger than ${MAX_REQUEST_BYTES} bytes`);
    for (const line of lines) if (line.trim() !== '') waiting.push(line);
    pump();
  });
}

// One error answer, then the connection is closed. What the client still sends meanwhile is
// read and dropped, so that it reads the answer rather than a broken pipe; after a second
// the connection goes whatever the client does.
function refuse(socket: net.Socket, message: string): void {
  socket.removeAllListeners('data');
  socket.on('data', () => undefined);
  socket.on('error', () => socket.destroy());
  socket.resume();
  const response: Response = { id: 0, ok: false, error: { code: 'SUPD_E_PROTOCOL', message } };
  if (!socket.destroyed && socket.writable) socket.end(`${JSON.stringify(response)}\n`);
  setTimeout(() => socket.destroy(), 1000).unref();
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
  const problem = requestProblem(request as unknown as Record<string, unknown>);
  if (problem !== null) {
    reply(socket, { id, ok: false, error: { code: 'SUPD_E_PROTOCOL', message: `bad request: ${problem}` } });
    return;
  }
  try {
    reply(socket, { id, ok: true, result: await handle(request, streamTo(socket, id, signal)) });
  } catch (error) {
    const e = isSupdError(error) ? error : new SupdError('SUPD_E_INTERNAL', (error as Error).message ?? String(error));
    reply(socket, { id, ok: false, error: { code: e.code, message: e.message, ...(e.issues.length > 0 ? { issues: e.issues } : {}) } });
  }
}

function reply(socket: net.Socket, message: ServerMessage): boolean {
  if (socket.destroyed || !socket.writable) return true;
  // A client that asks and never reads: drop it rather than hold its answers without limit.
  // (Streams wait for 'drain', so they never come near this.)
  if (socket.writableLength > MAX_UNREAD_OUTPUT_BYTES) {
    socket.destroy();
    return true;
  }
  return socket.write(`${JSON.stringify(message)}\n`);
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
