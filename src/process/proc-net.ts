// Listening TCP sockets from /proc (SPEC section 7, `ready.tcp`): which sockets listen on an
// address (/proc/PID/net/tcp and tcp6, in that process's network namespace), and whether one
// of them is held by given processes (their /proc/PID/fd links). No connection is made, so
// a daemon never logs a probe as a bad request, and a port someone else holds never counts.
import { closeSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { endianness } from 'node:os';

export interface TcpListener {
  /** The address as bytes: 4 for IPv4 (an IPv4-mapped IPv6 address too), 16 for IPv6. */
  readonly address: Buffer;
  readonly port: number;
  readonly inode: number;
}

const LISTEN = '0A';

/** The LISTEN lines of a /proc/net/tcp or tcp6 text. Addresses are printed as 32-bit words in host order. */
export function parseProcNetTcp(text: string, littleEndian = endianness() === 'LE'): TcpListener[] {
  const listeners: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== LISTEN) continue;
    const [hex, portHex] = fields[1]!.split(':') as [string, string];
    const address = Buffer.alloc(hex.length / 2);
    for (let i = 0; i < hex.length / 8; i++) {
      const word = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
      if (littleEndian) address.writeUInt32LE(word, i * 4);
      else address.writeUInt32BE(word, i * 4);
    }
    listeners.push({ address: unmapV4(address), port: parseInt(portHex, 16), inode: Number(fields[9]) });
  }
  return listeners;
}

/** An IP address as bytes (4 or 16; an IPv4-mapped IPv6 one as its 4), or null if it is not one. */
export function ipBytes(text: string): Buffer | null {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const parts = v4.slice(1).map(Number);
    return parts.every((n) => n <= 255) ? Buffer.from(parts) : null;
  }
  if (!text.includes(':')) return null;
  let rest = text.replace(/%.*$/, '');
  let tail: Buffer | null = null;
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (dotted !== null) {
    tail = ipBytes(dotted[1]!);
    if (tail === null) return null;
    rest = rest.slice(0, dotted.index + 1) + '0:0';
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const words = (s: string): number[] | null => (s === '' ? [] : s.split(':').map((w) => (/^[0-9a-f]{1,4}$/i.test(w) ? parseInt(w, 16) : NaN)));
  const head = words(halves[0]!);
  const back = halves.length === 2 ? words(halves[1]!) : [];
  if (head === null || back === null || [...head, ...back].some(Number.isNaN)) return null;
  const missing = 8 - head.length - back.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((w, i) => bytes.writeUInt16BE(w, i * 2));
  if (tail !== null) tail.copy(bytes, 12);
  return unmapV4(bytes);
}

function unmapV4(bytes: Buffer): Buffer {
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? Buffer.from(bytes.subarray(12)) : bytes;
}

const isWildcard = (bytes: Buffer): boolean => bytes.every((b) => b === 0);

/**
 * Whether a connection to one of `targets` (the resolved addresses of the probe's host) on
 * `port` would reach this listener: the same address, or a wildcard (0.0.0.0 takes IPv4, ::
 * takes both, as a dual-stack socket does); a wildcard target takes any listener on the port.
 */
export function listenerServes(listener: TcpListener, targets: readonly Buffer[], port: number): boolean {
  if (listener.port !== port) return false;
  return targets.some((target) => {
    if (isWildcard(target) || target.equals(listener.address)) return true;
    if (!isWildcard(listener.address)) return false;
    return listener.address.length === 16 || target.length === 4;
  });
}

/** The listening sockets of the network namespace `pid` lives in (its tcp and tcp6 tables). */
export function readListeners(pid: number): TcpListener[] {
  const listeners: TcpListener[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = readWhole(`/proc/${pid}/net/${table}`);
    if (text !== null) listeners.push(...parseProcNetTcp(text));
  }
  return listeners;
}

/** Allocated at the first read (only ready.tcp reads these tables), grown when a table fills it. */
let buffer: Buffer | null = null;

// Every read of a /proc/net/tcp walks the kernel's whole connection hash (2 ms here for its
// 262,144 buckets, whatever the number of sockets); readFileSync reads twice (the second to
// see the end), so read once into a buffer big enough, growing it when it fills.
function readWhole(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null; // no IPv6, or the process is gone
  }
  try {
    buffer ??= Buffer.alloc(256 * 1024);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      if (n < buffer.length) return buffer.toString('latin1', 0, n);
      buffer = Buffer.alloc(buffer.length * 2);
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The inodes of the sockets `pids` hold (their `socket:[N]` fd links). */
export function socketInodes(pids: readonly number[]): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (link.startsWith('socket:[')) inodes.add(Number(link.slice(8, -1)));
      } catch {
        // closed meanwhile
      }
    }
  }
  return inodes;
}
