// What tests of `sockets` read: the address supd bound for a `:0` socket (from supd.log), a
// process's LISTEN_* variables and the socket inode at one of its fds, and one HTTP answer.
import { readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import type { SupdUnderTest } from './supd.js';
import { waitFor } from './wait-for.js';

/** The port supd bound for `tcp://127.0.0.1:0` (the first such socket in supd.log). */
export function heldPort(supd: SupdUnderTest): Promise<number> {
  return waitFor(() => {
    const match = /holding socket tcp:\/\/127\.0\.0\.1:(\d+) \(tcp:\/\/127\.0\.0\.1:0\)/.exec(supd.supdLog());
    return match === null ? null : Number(match[1]);
  }, { what: 'the held socket in supd.log' });
}

export function listenVars(pid: number): Record<string, string | undefined> {
  const env = Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return { LISTEN_FDS: env.LISTEN_FDS, LISTEN_FDNAMES: env.LISTEN_FDNAMES, LISTEN_PID: env.LISTEN_PID };
}

/** `socket:[1234]` for a socket, else what the fd points at (null when not open). */
export function fdTarget(pid: number, fd: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/fd/${fd}`);
  } catch {
    return null;
  }
}

export interface Answer {
  readonly status: number;
  readonly body: { pid: number; name: string | null; ready: boolean; version: string | null };
}

/** One GET on a new connection (no keep-alive), by TCP port or unix socket path. */
export function getOnce(target: { port: number } | { socketPath: string }, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get({ ...target, host: '127.0.0.1', path: '/', agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch (error) {
          reject(new Error(`status ${res.statusCode}, not JSON: ${text}`, { cause: error }));
        }
      });
      res.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}
