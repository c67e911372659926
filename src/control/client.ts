// The CLI's end of the control socket: send one request, read its response.
import net from 'node:net';
import { SupdError, type ErrorCode } from '../errors.js';
import type { Request, Response } from './protocol.js';

type RequestBody = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface ControlClient {
  request<T>(body: RequestBody): Promise<T>;
  close(): void;
}

export function connectControl(socketPath: string): Promise<ControlClient> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new SupdError('SUPD_E_NOT_RUNNING', `no supervisor answers on ${socketPath} (${error.code ?? error.message})`, { cause: error }));
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
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const response = JSON.parse(buffered.slice(0, newline)) as Response;
      buffered = buffered.slice(newline + 1);
      const waiter = pending.get(response.id);
      if (waiter === undefined) continue;
      pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else waiter.reject(new SupdError(response.error.code as ErrorCode, response.error.message, { issues: response.error.issues ?? [] }));
    }
  });
  socket.on('error', (error) => failAll(new SupdError('SUPD_E_NOT_RUNNING', `connection to supd failed: ${error.message}`)));
  socket.on('close', () => failAll(new SupdError('SUPD_E_NOT_RUNNING', 'supd closed the connection')));
  return {
    request<T>(body: RequestBody) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.write(`${JSON.stringify({ ...body, id })}\n`);
      });
    },
    close() {
      socket.end();
      socket.destroy();
    },
  };
}
