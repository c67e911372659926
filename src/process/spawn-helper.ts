// The fork server: children are forked by a small Perl process (spawn-helper-program.ts), not
// by supd. A fork copies the parent's page tables and fd table, and Node's spawn waits until
// the child has exec'd (which tears that copy down again): with thousands of children supd is
// large (4-6 MB of page tables, 4 fds a child), so each start cost more the more were running
// and starting N cost O(N^2) (docs/benchmarks.md, "Scale"). The helper stays a few MB with a
// handful of fds, and answers with the pid as soon as it has forked.
//
// supd waits for that answer synchronously (spawnChild returns the pid), on a FIFO opened in
// blocking mode; requests go the same way. The child's fds are supd's FIFO write ends, which
// the helper opens again through /proc/SUPD/fd/N before it forks. Exits come back on a pipe,
// each told to the child's handle in one call (exit and close). The helper is the children's
// parent, so their parent-death signal (setpriv --pdeathsig) follows the helper: it ignores every signal but
// KILL and ends only when supd closes its stdin (supd exits or dies). If it is killed anyway,
// supd kills the process group of each child it had, reports each as killed (so each is
// restarted by its policy, none is left unsupervised) and starts a new helper at the next spawn.
// SUPD_SPAWN_HELPER=0 turns it off (supd forks itself, as before).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { EndSink, EndSource } from './child-exit.js';
import { SPAWN_HELPER_PROGRAM } from './spawn-helper-program.js';
import { settledWithin } from './settled-within.js';

export interface HelperRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly umask: number | null;
  /** The child's fds: [child fd, one of supd's fds (a FIFO's write end) or 'null' for /dev/null]. */
  readonly fds: ReadonlyArray<readonly [number, number | 'null']>;
}

/** A child the helper forked: tells its sink once when it ended (its exit and its close in one). */
export class HelperChild implements EndSource {
  private sink: EndSink | null = null;
  private status: readonly [number | null, NodeJS.Signals | null] | null = null;

  constructor(readonly pid: number) {}

  onEnd(sink: EndSink): void {
    if (this.status === null) this.sink = sink;
    else sink.childEnded(...this.status);
  }

  ended(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.sink === null) this.status = [code, signal];
    else this.sink.childEnded(code, signal);
    this.sink = null;
  }
}

/** null: no helper here (off, no perl, or it died during the request): spawn directly. */
export type HelperResult = { ok: true; child: HelperChild } | { ok: false; reason: string } | null;

interface Helper {
  readonly process: ChildProcess;
  readonly requests: number;
  readonly replies: number;
  readonly children: Map<number, HelperChild>;
  /** Exit lines read but not reported yet (one is reported per turn of the event loop). */
  readonly exitLines: string[];
  stopped: boolean;
}

let helper: Helper | null = null;
/** Set once a helper could not start or died before its first answer: do not retry. */
let broken = process.env.SUPD_SPAWN_HELPER === '0';

export function spawnViaHelper(request: HelperRequest): HelperResult {
  if (broken) return null;
  helper ??= startHelper();
  const current = helper;
  if (current === null) return null;
  const answer = ask(current, encode(request));
  if (answer === null) {
    if (current.children.size === 0) broken = true;
    stopHelper(current);
    return null;
  }
  if (answer.startsWith('E ')) return { ok: false, reason: answer.slice(2) };
  const child = new HelperChild(Number(answer));
  current.children.set(child.pid, child);
  return { ok: true, child };
}

function encode(request: HelperRequest): Buffer {
  const fds = request.fds.map(([fd, source]) => `${fd}:${source === 'null' ? 'n' : source}`).join(' ');
  const env = Object.entries(request.env).map(([key, value]) => `${key}=${value}`);
  const umask = request.umask === null ? '' : request.umask.toString(8);
  const body = Buffer.from([request.cwd, umask, fds, String(request.argv.length), ...request.argv, ...env].join('\0'));
  return Buffer.concat([Buffer.from(String(body.length).padStart(10, '0')), body]);
}

/** How long supd waits for the helper to answer a fork before it counts the helper as gone. */
const ANSWER_TIMEOUT_MS = 5000;
const pause = new Int32Array(new SharedArrayBuffer(4));

// One request, one line back; null when the helper is gone (EPIPE, EOF on its replies) or has
// not answered within ANSWER_TIMEOUT_MS (stopped, stuck): supd waits synchronously (spawnChild
// returns the pid), so a helper that never answers must not freeze supd with it.
function ask(current: Helper, message: Buffer): string | null {
  try {
    for (let at = 0; at < message.length; ) at += writeSync(current.requests, message, at);
    return readReply(current.replies, Date.now() + ANSWER_TIMEOUT_MS);
  } catch {
    return null;
  }
}

// The replies FIFO is non-blocking: poll it, waiting 0.05 ms at first and at most 2 ms between reads.
function readReply(replies: number, deadline: number): string | null {
  let line = '';
  const buffer = Buffer.alloc(64);
  for (let wait = 0.05; !line.endsWith('\n'); ) {
    const read = readOrNothing(replies, buffer);
    if (read === 0) return null;
    if (read > 0) line += buffer.toString('latin1', 0, read);
    else if (Date.now() > deadline) return null;
    else {
      Atomics.wait(pause, 0, 0, wait);
      wait = Math.min(wait * 2, 2);
    }
  }
  return line.slice(0, -1);
}

// Bytes read, 0 at EOF (the helper is gone), -1 when nothing is there yet.
function readOrNothing(fd: number, buffer: Buffer): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, null);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return -1;
    throw error;
  }
}

function startHelper(): Helper | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'supd-spawn-'));
  const opened: number[] = [];
  const open = (file: string, flags: number): number => {
    opened.push(openSync(file, flags));
    return opened.at(-1)!;
  };
  try {
    const [requestsPath, repliesPath] = [path.join(dir, 'requests'), path.join(dir, 'replies')];
    execFileSync('mkfifo', ['-m', '0600', '--', requestsPath, repliesPath], { stdio: 'ignore' });
    // Read ends first without waiting (O_NONBLOCK), then the write ends need not wait either.
    const helperStdin = open(requestsPath, constants.O_RDONLY | constants.O_NONBLOCK);
    const requests = openSync(requestsPath, constants.O_WRONLY);
    open(repliesPath, constants.O_RDONLY | constants.O_NONBLOCK);
    const helperStdout = open(repliesPath, constants.O_WRONLY);
    const child = spawn('perl', ['-e', SPAWN_HELPER_PROGRAM], { stdio: [helperStdin, helperStdout, 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    child.on('error', () => undefined);
    if (child.pid === undefined) return noHelper(requests);
    // The helper is then the only writer: EOF when it dies (non-blocking: readReply polls it).
    const replies = openSync(repliesPath, constants.O_RDONLY | constants.O_NONBLOCK);
    return watch({ process: child, requests, replies, children: new Map(), exitLines: [], stopped: false });
  } catch {
    broken = true;
    return null;
  } finally {
    for (const fd of opened) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function noHelper(requests: number): null {
  closeSync(requests);
  broken = true;
  return null;
}

function watch(current: Helper): Helper {
  const exits = current.process.stdio[3] as Readable;
  let pending = '';
  exits.setEncoding('latin1');
  exits.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    const idle = current.exitLines.length === 0;
    current.exitLines.push(...lines);
    if (idle) reportNextExit(current);
  });
  current.process.on('exit', () => stopHelper(current));
  current.process.unref();
  (exits as Readable & { unref?: () => void }).unref?.();
  return current;
}

// One exit a turn of the event loop: a burst of exits (a pool's copies ending together) would
// otherwise respawn them all in one turn, each waiting for the helper's answer, and a status
// request would wait behind the whole burst.
function reportNextExit(current: Helper): void {
  const line = current.exitLines.shift();
  if (line === undefined) return;
  reportExit(current, line);
  if (current.exitLines.length > 0) setImmediate(reportNextExit, current);
}

function reportExit(current: Helper, line: string): void {
  const [pid, code, signal] = line.split(' ');
  const child = current.children.get(Number(pid));
  if (child === undefined) return;
  current.children.delete(child.pid);
  child.ended(code === '-' ? null : Number(code), signal === '-' ? null : signalName(Number(signal)));
}

// Number -> name, the first name where two share a number (SIGABRT, not SIGIOT), as Node reports it.
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>();
for (const [name, number] of Object.entries(os.constants.signals)) if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name as NodeJS.Signals);

function signalName(number: number): NodeJS.Signals | null {
  return SIGNAL_NAMES.get(number) ?? null;
}

// The helper is gone (or unusable): its children lost their parent, and with it their
// parent-death signal fired; whatever escaped it (a child between fork and setpriv) is killed
// here by group, and each is reported killed so that it is restarted.
function stopHelper(current: Helper, kill = true): void {
  if (helper === current) helper = null;
  if (current.stopped) return;
  current.stopped = true;
  for (let line = current.exitLines.shift(); line !== undefined; line = current.exitLines.shift()) reportExit(current, line); // as the helper said
  if (kill) current.process.kill('SIGKILL'); // one that stopped answering is ended; a dead one is unaffected
  for (const fd of [current.requests, current.replies]) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
  }
  for (const child of current.children.values()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    child.ended(null, 'SIGKILL');
  }
  current.children.clear();
}

/** supd exits, its children gone: the helper ends at the end of its requests, and supd waits
 * for it (1 s, then SIGKILL) so that supd reaps it; left to outlive supd by a moment, it would
 * be a zombie under an init that does not reap (seen under a container's PID 1). */
export async function endSpawnHelper(waitMs = 1000): Promise<void> {
  const current = helper;
  if (current === null || current.stopped) return;
  const proc = current.process;
  const gone = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  stopHelper(current, false); // closes its requests: it reads the end and exits
  if (await settledWithin(gone, waitMs, true)) return;
  proc.kill('SIGKILL');
  await settledWithin(gone, waitMs, true);
}
