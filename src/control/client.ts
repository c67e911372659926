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

interface Waiter {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onFrame?: FrameHandler;
}

function createClient(socket: net.Socket): ControlClient {
  const connection = new Connection(socket);
  return {
    request: (body) => connection.send(body),
    stream: (body, onFrame) => connection.send(body, onFrame),
    close() {
      socket.end();
      socket.destroy();
    },
  };
}

// One connection's requests in flight, matched to the server's lines by id; a frame handler
// that returns a promise pauses the socket (and the lines already read) until it settles.
class Connection {
  private nextId = 1;
  /** Whole lines read and not yet handled; the pieces of the line still coming. Each chunk is
   * searched once: appending to one string and searching it all again at every chunk was
   * quadratic in an answer's size (2.4 MB for status --json of 5,000 processes). */
  private readonly lines: string[] = [];
  private partial: string[] = [];
  private blocked = false;
  private closedWith: Error | null = null;
  private readonly pending = new Map<number, Waiter>();

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      let from = 0;
      for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', from)) {
        this.partial.push(chunk.slice(from, newline));
        this.lines.push(this.partial.length === 1 ? this.partial[0]! : this.partial.join(''));
        this.partial = [];
        from = newline + 1;
      }
      if (from < chunk.length) this.partial.push(chunk.slice(from));
      this.drainBuffered();
    });
    socket.on('error', (error) => {
      this.closedWith ??= new SupdError('SUPD_E_NOT_RUNNING', `connection to supd failed: ${error.message}`);
    });
    socket.on('close', () => {
      this.closedWith ??= new SupdError('SUPD_E_NOT_RUNNING', 'supd closed the connection');
      this.drainBuffered();
    });
  }

  send<T>(body: RequestBody, onFrame?: FrameHandler): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, ...(onFrame === undefined ? {} : { onFrame }) });
      this.socket.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  // Handles whole lines until a frame handler asks to wait; a close is reported after them.
  private drainBuffered(): void {
    while (!this.blocked && this.lines.length > 0) {
      const text = this.lines.shift()!;
      const message = parseMessage(text);
      if (message === null) {
        this.closedWith = new SupdError('SUPD_E_PROTOCOL', `the socket answered with a line that is no supd response: ${text.slice(0, 80)}`);
        this.lines.length = 0;
        this.partial = [];
        this.socket.destroy();
        break;
      }
      this.deliver(message);
    }
    if (!this.blocked && this.closedWith !== null) this.failAll(this.closedWith);
  }

  private deliver(message: ServerMessage): void {
    const waiter = this.pending.get(message.id);
    if (waiter === undefined) return;
    if ('frame' in message) return this.deliverFrame(waiter, message.frame);
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new SupdError(String(message.error?.code) as ErrorCode, String(message.error?.message ?? 'no message'), { issues: message.error?.issues ?? [] }));
  }

  private deliverFrame(waiter: Waiter, frame: unknown): void {
    const wait = waiter.onFrame?.(frame);
    if (wait === undefined) return;
    this.blocked = true;
    this.socket.pause();
    void wait.finally(() => {
      this.blocked = false;
      this.socket.resume();
      this.drainBuffered();
    });
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
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
