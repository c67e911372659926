// A raw client of the control socket, for tests that speak out of turn: send any bytes, and
// collect whatever lines come back (parsed when they are JSON).
import net from 'node:net';

export interface RawClient {
  readonly socket: net.Socket;
  /** Responses received so far, as parsed JSON (frames of streamed answers apart). */
  readonly received: unknown[];
  readonly frames: unknown[];
  /** Resolves when the server closed the connection (or it failed). */
  readonly closed: Promise<void>;
  send(data: string | Buffer): void;
  /** Waits until `count` responses have come (rejects after timeoutMs or on close before). */
  waitFor(count: number, timeoutMs?: number): Promise<unknown[]>;
}

export function connectRaw(socketPath: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    const received: unknown[] = [];
    const frames: unknown[] = [];
    let buffered = '';
    let wake: () => void = () => undefined;
    let isClosed = false;
    const closed = new Promise<void>((done) =>
      socket.on('close', () => {
        isClosed = true;
        wake();
        done();
      }),
    );
    socket.on('error', () => undefined);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          message = { unparsed: line };
        }
        if (typeof message === 'object' && message !== null && 'frame' in message) frames.push(message);
        else received.push(message);
      }
      wake();
    });
    const client: RawClient = {
      socket,
      received,
      frames,
      closed,
      send: (data) => void socket.write(data),
      async waitFor(count, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        while (received.length < count) {
          if (isClosed) throw new Error(`connection closed after ${received.length} of ${count} responses`);
          if (Date.now() > deadline) throw new Error(`timed out with ${received.length} of ${count} responses`);
          await new Promise<void>((r) => {
            wake = r;
            setTimeout(r, 50);
          });
        }
        return received.slice(0, count);
      },
    };
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
}
