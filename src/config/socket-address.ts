// A `sockets` value (`tcp://host:port`, `unix:PATH`) as the address supd holds it by. Pure.
import path from 'node:path';
import type { SocketSpec } from './types.js';

export type ParsedSocket = { ok: true; spec: SocketSpec } | { ok: false; message: string };

/** `tcp://[::1]:8080`, `tcp://127.0.0.1:0` (the OS picks the port), `unix:run/admin.sock` (relative to the config dir). */
export function parseSocketAddress(name: string, value: string, dir: string): ParsedSocket {
  if (value.startsWith('unix:')) {
    const file = path.resolve(dir, value.slice('unix:'.length));
    if (Buffer.byteLength(file) > 107) return { ok: false, message: `the socket path ${file} is longer than 107 bytes (the kernel's limit)` };
    return { ok: true, spec: { name, kind: 'unix', address: `unix:${file}`, host: null, port: null, path: file } };
  }
  const tcp = /^tcp:\/\/(?:\[([0-9A-Fa-f:.]+)\]|([^[\]:/]+)):([0-9]{1,5})$/.exec(value);
  if (tcp === null) return { ok: false, message: 'must be "tcp://host:port" or "unix:PATH"' };
  const port = Number(tcp[3]);
  if (port > 65535) return { ok: false, message: `port ${port} is out of range (0-65535)` };
  const host = tcp[1] ?? tcp[2]!;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { ok: true, spec: { name, kind: 'tcp', address: `tcp://${shown}:${port}`, host, port, path: null } };
}

const ANY = new Set(['0.0.0.0', '::', '']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether a `ready.tcp` target (`host:port`) would test a socket supd holds (it always listens). */
export function isHeldAddress(readyTarget: string, socket: SocketSpec): boolean {
  if (socket.kind !== 'tcp') return false;
  const match = /^\[?(.*?)\]?:([0-9]+)$/.exec(readyTarget);
  if (match === null || Number(match[2]) !== socket.port) return false;
  const [a, b] = [match[1]!, socket.host!];
  return a === b || ANY.has(a) || ANY.has(b) || (LOOPBACK.has(a) && LOOPBACK.has(b));
}
