// A child's fds 1 and 2 (and a `ready.fd` notification fd): real pipes, never sockets.
//
// libuv gives a child socketpairs for stdio 'pipe', and open("/dev/stdout") of a socket fails
// with ENXIO (nginx's `access_log /dev/stdout`, php-fpm's `error_log = /proc/self/fd/2`). Node
// has no pipe(2), so each stream is a FIFO from the pool (fifo-pool.ts): supd opens its read end
// (O_RDONLY|O_NONBLOCK; a net.Socket like before, so the log path reads it the same way, grown
// to 256 KiB by pipe-sizer.ts) and its write end, gives that to the child's user (a pipe made by
// root is mode 0600 root: a child switched to www-data could not reopen /dev/stdout), unlinks
// the FIFO and passes the write end as an fd in spawn's stdio; supd closes its copy right after
// the spawn, so the read end sees EOF once the child and every grandchild holding it are gone.
// Where no FIFO can be made, a stream falls back to the socketpair (supd.log says so once).
import type { ChildProcess } from 'node:child_process';
import { closeSync, constants, fchownSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { Readable } from 'node:stream';
import { markFifoDir, pickFifoDir } from './fifo-dir.js';
import { createFifoPool, type FifoPool } from './fifo-pool.js';
import { startPipeSizer, type PipeSizer } from './pipe-sizer.js';

export type StdioSlot = 'ignore' | 'pipe' | number;

export interface StdioRequest {
  readonly extraFds: readonly number[];
  readonly mergeStderr: boolean;
  /** The child's ids when supd switches to them: its pipes become its own. */
  readonly uid: number | null;
  readonly gid: number | null;
}

export interface ChildStreams {
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly extra: ReadonlyMap<number, Readable>;
  /** The read ends supd opened itself (FIFOs): each closes at EOF, once all writers are gone. */
  readonly own: readonly Readable[];
}

export interface PreparedStdio {
  /** For spawn's `stdio`. */
  readonly slots: readonly StdioSlot[];
  /** stderr = "merge" could not share stdout's pipe (no FIFO): the caller must `2>&1` itself. */
  readonly mergeByShell: boolean;
  /** After a spawn that started a child: closes supd's write ends, returns the read ends. */
  connect(child: Pick<ChildProcess, 'stdio'> | { readonly stdio: readonly never[] }): ChildStreams;
  /** After a spawn that failed: closes everything. */
  abandon(): void;
}

interface Channel {
  readonly read: number;
  readonly write: number;
}

let pool: FifoPool | null = null;
let sizer: PipeSizer | null = null;
let warn: (message: string) => void = () => undefined;
let warned = false;

/** Children get FIFOs from now on (supd run), made where fifo-dir.ts says; without this call, socketpairs. */
export function useFifoDir(stateDir: string, expected: number, onWarning: (message: string) => void): void {
  closeFifoDir();
  warn = onWarning;
  warned = false;
  const dir = pickFifoDir(stateDir);
  try {
    pool = createFifoPool(dir, expected);
    markFifoDir(dir, stateDir);
    sizer = startPipeSizer();
  } catch (error) {
    fallBack(`cannot make a FIFO dir ${dir}: ${(error as Error).message}`);
  }
}

/** Removes the spare FIFOs (supd exits). */
export function closeFifoDir(): void {
  pool?.close();
  pool = null;
  sizer?.close();
  sizer = null;
}

export function prepareStdio(request: StdioRequest): PreparedStdio {
  const channels = new Map<number, Channel>();
  const slots: StdioSlot[] = ['ignore'];
  const wanted = [1, ...(request.mergeStderr ? [] : [2]), ...request.extraFds];
  for (const fd of wanted) {
    const channel = openChannel(request);
    if (channel !== null) channels.set(fd, channel);
    while (slots.length < fd) slots.push('ignore');
    slots[fd] = channel?.write ?? 'pipe';
  }
  const merged = request.mergeStderr && channels.has(1);
  if (request.mergeStderr) slots[2] = merged ? channels.get(1)!.write : 'pipe';
  const closeWriteEnds = (): void => {
    for (const channel of channels.values()) closeSync(channel.write);
  };
  return {
    slots,
    mergeByShell: request.mergeStderr && !merged,
    connect(child) {
      closeWriteEnds();
      const streamOf = (fd: number): Readable => {
        const channel = channels.get(fd);
        return channel === undefined ? (child.stdio[fd] as unknown as Readable) : new net.Socket({ fd: channel.read, readable: true, writable: false });
      };
      const stdout = streamOf(1);
      const stderr = merged ? endedStream() : streamOf(2);
      const extra = request.extraFds.length === 0 ? NO_EXTRA : new Map(request.extraFds.map((fd) => [fd, streamOf(fd)] as const));
      const own = [...channels.keys()].map((fd) => (fd === 1 ? stdout : fd === 2 ? stderr : extra.get(fd)!));
      return { stdout, stderr, extra, own };
    },
    abandon() {
      closeWriteEnds();
      for (const channel of channels.values()) closeSync(channel.read);
    },
  };
}

// One FIFO, both ends open, given to the child's user, unlinked; null: use a socketpair.
function openChannel(request: StdioRequest): Channel | null {
  if (pool === null) return null;
  const taken = pool.take();
  if (!taken.ok) return fallBack(taken.reason);
  let [read, write] = [-1, -1];
  try {
    // The read end first: it never waits (O_NONBLOCK), and then the write end need not either.
    read = openSync(taken.path, constants.O_RDONLY | constants.O_NONBLOCK);
    // Blocking, as a program expects its stdout.
    write = openSync(taken.path, constants.O_WRONLY);
    if (request.uid !== null || request.gid !== null) fchownSync(write, request.uid ?? -1, request.gid ?? -1);
    sizer?.grow(read);
    return { read, write };
  } catch (error) {
    for (const fd of [read, write]) if (fd !== -1) closeSync(fd);
    return fallBack(`cannot open the FIFO ${taken.path}: ${(error as Error).message}`);
  } finally {
    rmSync(taken.path, { force: true });
  }
}

function fallBack(reason: string): null {
  if (!warned) warn(`${reason}: children get socketpairs for stdout and stderr (opening /dev/stdout fails with ENXIO)`);
  warned = true;
  return null;
}

// stderr merged into stdout has no pipe of its own: an empty stream for its readers.
function endedStream(): Readable {
  return new Readable({
    read() {
      this.push(null);
    },
  });
}

/** No `ready.fd`: every such child shares one empty map. */
const NO_EXTRA: ReadonlyMap<number, Readable> = new Map();
