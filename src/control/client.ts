// The CLI's end of the control socket: send one request, read its response (and, for a
// streamed one, its frames, reading no faster than the caller takes them).
import net from 'node:net';
import { SupdError, type ErrorCode } from '../errors.js';
import type { Request, ServerMessage } from './protocol.js';
import { describeAccessDenied } from './socket-access.js';

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Takes one frame; a returned promise holds back the next frames (and the socket) until it settles. */
export type FrameHandler = (frame: unknown) => void | Promise<void>;

export interface ControlClient {
  request<T>(body: RequestBody): Promise<T>;
  /** A request whose response comes after any number of frames. */
  stream<T>(body: RequestBody, onFrame: FrameHandler): Promise<T>;
  close(): void;
}

export function connectControl(socketPath: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EACCES' || error.code === 'EPERM') reject(new SupdError('SUPD_E_PERMISSION_DENIED', describeAccessDenied(socketPath), { cause: error }));
      else reject(new SupdError('SUPD_E_NOT_RUNNING', `no supervisor answers on ${socketPath} (${error.code ?? error.message})`, { cause: error }));
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(createClient(socket));
    });
  });
}

function createClient(socket: net.Socket): ControlClient {
  let nextId = 1;
  let buffered = '';
  let blocked = false;
  let closedWith: Error | null = null;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; onFrame?: FrameHandler }>();
  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  const deliver = (message: ServerMessage): void => {
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    if ('frame' in message) {
      const wait = waiter.onFrame?.(message.frame);
      if (wait === undefined) return;
      blocked = true;
      socket.pause();
      void wait.finally(() => {
        blocked = false;
        socket.resume();
        drainBuffered();
      });
      return;
    }
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new SupdError(String(message.error?.code) as ErrorCode, String(message.error?.message ?? 'no message'), { issues: message.error?.issues ?? [] }));
  };
  // Handles whole lines until a frame handler asks to wait; a close is reported after them.
  const drainBuffered = (): void => {
    let newline: number;
    while (!blocked && (newline = buffered.indexOf('\n')) !== -1) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const message = parseMessage(text);
      if (message === null) {
        closedWith = new SupdError('SUPD_E_PROTOCOL', `the socket answered with a line that is no supd response: ${text.slice(0, 80)}`);
        buffered = '';
        socket.destroy();
        break;
      }
      deliver(message);
    }
    if (!blocked && closedWith !== null) failAll(closedWith);
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    drainBuffered();
  });
  socket.on('error', (error) => {
    closedWith ??= new SupdError('SUPD_E_NOT_RUNNING', `connection to supd failed: ${error.message}`);
  });
  socket.on('close', () => {
    closedWith ??= new SupdError('SUPD_E_NOT_RUNNING', 'supd closed the connection');
    drainBuffered();
  });
  const send = <T>(body: RequestBody, onFrame?: FrameHandler): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, ...(onFrame === undefined ? {} : { onFrame }) });
      socket.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  };
  return {
    request: (body) => send(body),
    stream: (body, onFrame) => send(body, onFrame),
    close() {
      socket.end();
      socket.destroy();
    },
  };
}

// One line from the server: a response or a frame, by its shape; null for anything else (not
// JSON, not an object with an id), which ends the connection as a protocol error.
function parseMessage(text: string): ServerMessage | null {
  try {
    const message = JSON.parse(text) as unknown;
    if (typeof message !== 'object' || message === null || typeof (message as { id?: unknown }).id !== 'number') return null;
    return message as ServerMessage;
  } catch {
    return null;
  }
}
