// A `sockets` value (`tcp://host:port`, `unix:PATH`) as the address supd holds it by. Pure; the
// host:port and loopback rules are those of [supervisor.http] listen (listen-address.ts).
import { isLoopbackHost, parseListen } from './listen-address.js';
import type { SocketSpec } from './types.js';

export type ParsedSocket = { ok: true; spec: SocketSpec } | { ok: false; message: string };

/** `tcp://[::1]:8080`, `tcp://127.0.0.1:0` (the OS picks the port), `unix:run/admin.sock` (relative to the config dir). */
export function parseSocketAddress(name: string, value: string, dir: string): ParsedSocket {
  const tcp = value.startsWith('tcp://');
  const listen = tcp || value.startsWith('unix:') ? parseListen(tcp ? value.slice('tcp://'.length) : value, dir) : null;
  if (listen === null || (tcp && listen.kind === 'unix')) return { ok: false, message: 'must be "tcp://host:port" (port 0 to 65535) or "unix:PATH"' };
  if (listen.kind === 'unix') {
    if (Buffer.byteLength(listen.path) > 107) return { ok: false, message: `the socket path ${listen.path} is longer than 107 bytes (the kernel's limit)` };
    return { ok: true, spec: { name, kind: 'unix', address: `unix:${listen.path}`, host: null, port: null, path: listen.path } };
  }
  const shown = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { ok: true, spec: { name, kind: 'tcp', address: `tcp://${shown}:${listen.port}`, host: listen.host, port: listen.port, path: null } };
}

const ANY = new Set(['0.0.0.0', '::', '']);

/** Whether a `ready.tcp` target (`host:port`) would test a socket supd holds (it always listens). */
export function isHeldAddress(readyTarget: string, socket: SocketSpec): boolean {
  const ready = parseListen(readyTarget, '/');
  if (socket.kind !== 'tcp' || ready === null || ready.kind !== 'tcp' || ready.port !== socket.port) return false;
  const [a, b] = [ready.host, socket.host!];
  return a === b || ANY.has(a) || ANY.has(b) || (isLoopbackHost(a) && isLoopbackHost(b));
}
