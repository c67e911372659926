// supd holds nothing of whoever started it: fds above 2 inherited from the parent (a shell's
// redirection, a test runner's extra pipe, a launcher's socket) are closed at the start of
// `supd run`, so neither supd nor the guardian nor any child keeps them open (a parent waiting
// for EOF on a pipe would wait forever, a socket would stay connected).
//
// Telling inherited fds from Node's own: everything Node and libuv open is O_CLOEXEC, so an fd
// without it was inherited. The converse does not hold: at startup Node sets close-on-exec on
// fds 0-15 and on any unbroken run of open fds above (libuv's uv_disable_stdio_inheritance), so
// an inherited fd 5 looks like Node's own. Node's own at this point are epoll, eventfd and
// io_uring instances (libuv >= 1.47, Node 22 and 24, batches epoll_ctl through a ring: closing
// it makes libuv abort with "io_uring_enter(getevents)") and pipes whose both ends it holds; anything else above 2 came from the parent,
// except a terminal of fds 0-2 opened again (libuv does) and the inspector's socket.
import { closeSync, fstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { inspector, isTerminal } from '../lazy-builtins.js';

const O_CLOEXEC = 0o2000000;

export interface ClosedFd {
  readonly fd: number;
  readonly target: string;
}

/** Closes the fds supd inherited above 2; returns what it closed. */
export function closeInheritedFds(): ClosedFd[] {
  const fds = listFds();
  const pipeEnds = new Map<string, number>();
  for (const { target } of fds) if (target.startsWith('pipe:')) pipeEnds.set(target, (pipeEnds.get(target) ?? 0) + 1);
  const stdio = new Set([0, 1, 2].map(identity).filter((id): id is string => id !== null));
  let keepSockets: boolean | undefined;
  const closed: ClosedFd[] = [];
  for (const { fd, target, flags } of fds) {
    if (fd <= 2) continue;
    const cloexec = (flags & O_CLOEXEC) !== 0;
    // Asked only when a socket is there to keep or close: node:inspector stays unloaded otherwise.
    if (cloexec && target.startsWith('socket:')) keepSockets ??= inspectorOpen();
    if (cloexec && (isNodeOwn(target, pipeEnds, keepSockets === true) || isReopenedTerminal(fd, stdio))) continue;
    try {
      closeSync(fd);
      closed.push({ fd, target });
    } catch {
      // gone meanwhile (the directory listing's own fd)
    }
  }
  return closed;
}

// The inspector's socket is open: --inspect (on the command line, in NODE_OPTIONS), a preload
// that called inspector.open(), or a SIGUSR1 before this point. Asking node:inspector itself
// covers them all, which flags alone would not (a preload, SIGUSR1).
function inspectorOpen(): boolean {
  return inspector().url() !== undefined;
}

const NODE_INSTANCES = new Set(['anon_inode:[eventpoll]', 'anon_inode:[eventfd]', 'anon_inode:[io_uring]']);

function isNodeOwn(target: string, pipeEnds: ReadonlyMap<string, number>, keepSockets: boolean): boolean {
  if (NODE_INSTANCES.has(target)) return true;
  if (target.startsWith('pipe:')) return (pipeEnds.get(target) ?? 0) >= 2;
  return keepSockets && target.startsWith('socket:');
}

function listFds(): Array<{ fd: number; target: string; flags: number }> {
  const out: Array<{ fd: number; target: string; flags: number }> = [];
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    try {
      const flags = Number.parseInt(/^flags:\s*([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '', 8);
      out.push({ fd, target: readlinkSync(`/proc/self/fd/${fd}`), flags: Number.isNaN(flags) ? 0 : flags });
    } catch {
      // the directory listing's own fd, closed by now
    }
  }
  return out;
}

// libuv opens a terminal on fds 0-2 again (for non-blocking writes): supd's own output.
function isReopenedTerminal(fd: number, stdio: ReadonlySet<string>): boolean {
  return isTerminal(fd) && stdio.has(identity(fd) ?? '');
}

function identity(fd: number): string | null {
  try {
    const stat = fstatSync(fd);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}
