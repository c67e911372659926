// Node's own modules that some configs never need, loaded on their first use: once loaded, a
// module stays for the daemon's whole life (measured in a process that has net and
// child_process already: node:inspector +0.4 MB RSS with worker_threads behind it,
// node:dns/promises +0.3, node:zlib +0.2, node:tty +0.15; node:crypto +0.8, which the daemon
// no longer needs at all: src/text/sha256.ts). Types only are imported here; the code comes by
// require() when a function below is first called (Node caches it after that).
import { fstatSync } from 'node:fs';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** node:zlib: gzip of rotated logs (compress), reading a .gz log. */
export const zlib = (): typeof import('node:zlib') => load('node:zlib') as typeof import('node:zlib');

/** node:dns/promises: a host name to resolve (a socket's listen address, a tcp health check). */
export const dns = (): typeof import('node:dns/promises') => load('node:dns/promises') as typeof import('node:dns/promises');

/** node:inspector: only when a socket of the inspector may be open (inherited-fds.ts). */
export const inspector = (): typeof import('node:inspector') => load('node:inspector') as typeof import('node:inspector');

/** tty.isatty(fd), loading node:tty only for a character device (a terminal, or /dev/null): not for a pipe, file or socket. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // not open
  }
  return (load('node:tty') as typeof import('node:tty')).isatty(fd);
}

/** node:child_process: getent for a user from NSS (user.ts shares a chunk with every CLI verb). */
export const childProcess = (): typeof import('node:child_process') => load('node:child_process') as typeof import('node:child_process');
