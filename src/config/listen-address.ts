// `[supervisor.http] listen`: "HOST:PORT" or "unix:PATH", and whether it is loopback only
// (the one kind of address the listener takes without allow_remote and TLS).
import path from 'node:path';

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** Parses a listen string already checked by the schema's pattern; relative unix paths from `dir`. */
export function parseListen(text: string, dir: string): ListenAddress | null {
  if (text.startsWith('unix:')) return { kind: 'unix', path: path.resolve(dir, text.slice('unix:'.length)) };
  const match = /^\[?([^\]]+?)\]?:([0-9]{1,5})$/.exec(text);
  if (match === null) return null;
  const port = Number(match[2]);
  return port > 65535 ? null : { kind: 'tcp', host: match[1]!, port };
}

/** 127.0.0.0/8, ::1 and localhost: reachable only from this machine. A unix socket is local too. */
export function isLoopback(address: ListenAddress): boolean {
  return address.kind === 'unix' || isLoopbackHost(address.host);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(bare) || bare.endsWith('.localhost');
}
