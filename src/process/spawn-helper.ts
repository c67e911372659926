// The fork server: children are forked by a small Perl process (spawn-helper-program.ts), not
// by supd. A fork copies the parent's page tables and fd table, and Node's spawn waits until
// the child has exec'd (which tears that copy down again): with thousands of children supd is
// large (4-6 MB of page tables, 4 fds a child), so each start cost more the more were running
// and starting N cost O(N^2) (docs/benchmarks.md, "Scale"). The helper stays a few MB with a
// handful of fds.
//
// supd never waits for it: requests go down a pipe, at most IN_FLIGHT_MAX unanswered at a time
// (a request holds the child's FIFOs open in supd until its answer; the rest wait in line
// without any), and the answers come back on the event loop, as do the exits, all on one pipe
// in the order the helper saw them (so an exit line always follows the answer that named its
// pid). A spawn waiting on a synchronous answer took 1-10 ms of the event loop each, and at
// 5,000 processes restarting by the hundred a second that was most of the time a status
// answer spent in supd (docs/benchmarks.md, "Asynchronous spawns"). The child's fds are supd's
// FIFO write ends, which the helper opens again through /proc/SUPD/fd/N before it forks. Each
// exit is told to the child's handle in one call (exit and close). The helper is the children's
// parent, so their parent-death signal (setpriv --pdeathsig) follows the helper: it ignores
// every signal but KILL and ends only when supd closes its stdin (supd exits or dies). If it is
// killed, or answers nothing for ANSWER_TIMEOUT_MS, supd kills the process group of each child it
// had, reports each as killed (so each is restarted by its policy, none is left unsupervised)
// and asks a new helper for what the old one left unanswered.
// SUPD_SPAWN_HELPER=0 turns it off (supd forks itself, as before).
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { EndSink, EndSource } from './child-exit.js';
import { readPipe } from '../logs/pipe-reader.js';
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

  /** @param startTime its /proc start time, read by the helper before the child could be reaped. */
  constructor(readonly pid: number, readonly startTime: number | null = null) {}

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

/** Forked, could not be, or `direct`: no helper to be had (off, no perl, unusable): spawn it yourself. */
export type HelperOutcome = { ok: true; child: HelperChild } | { ok: false; reason: string } | 'direct';

/** One spawn for the helper: its request is made only when it goes out (see IN_FLIGHT_MAX). */
export interface HelperJob {
  /** The request, made now (the child's FIFOs opened); null: not one for the helper after all. */
  prepare(): HelperRequest | null;
  /** Called once, never from within submitToHelper's own call. */
  answered(outcome: HelperOutcome): void;
}

interface Queued {
  readonly job: HelperJob;
  /** The encoded request, once prepared (kept when a lost helper's requests are asked again). */
  message: Buffer | null;
}

interface Helper {
  readonly process: ChildProcess;
  readonly requests: Writable;
  /** Sent and not answered yet, oldest first: the helper answers in order. */
  readonly pending: Queued[];
  readonly children: Map<number, HelperChild>;
  /** Exits read but not reported yet (one is reported per turn of the event loop). */
  readonly exits: Array<readonly [HelperChild, number | null, NodeJS.Signals | null]>;
  /** Armed while answers are due: fires when none came for ANSWER_TIMEOUT_MS. */
  stuck: NodeJS.Timeout | null;
  answeredOnce: boolean;
  stopped: boolean;
}

/** How long the helper may leave its oldest request unanswered before supd counts it as gone. */
const ANSWER_TIMEOUT_MS = 5000;
/** Requests sent and not answered: enough to keep the helper forking, few FIFOs held open. */
const IN_FLIGHT_MAX = 32;

let helper: Helper | null = null;
/** Set once a helper could not start or died before its first answer: do not retry. */
let broken = process.env.SUPD_SPAWN_HELPER === '0';
/** supd is exiting (endSpawnHelper): no new helper, and nothing more is spawned. */
let ending = false;
/** Spawns waiting for the helper to take them, oldest first. */
const waiting: Queued[] = [];

/** Whether spawns may go to the helper (else they are spawned directly, at once). */
export function helperAvailable(): boolean {
  return !broken && !ending;
}

/** Hands a spawn to the helper; its answer comes later, on the event loop. */
export function submitToHelper(job: HelperJob): void {
  waiting.push({ job, message: null });
  if (waiting.length === 1) queueMicrotask(sendWaiting);
}

// Sends what waits, while the helper has room; whatever cannot go to a helper is answered `direct`.
function sendWaiting(): void {
  while (waiting.length > 0) {
    if (!helperAvailable()) return void answerAll(waiting.splice(0), ending ? { ok: false, reason: 'supd is exiting' } : 'direct');
    helper ??= startHelper();
    const current = helper;
    if (current === null) continue; // could not start: broken now
    if (current.pending.length >= IN_FLIGHT_MAX) return;
    const entry = waiting.shift()!;
    if (entry.message === null) {
      const request = prepared(entry.job);
      if (request === null) continue; // answered
      entry.message = encode(request);
    }
    current.pending.push(entry);
    current.requests.write(entry.message);
    current.stuck ??= setTimeout(() => stopHelper(current), ANSWER_TIMEOUT_MS).unref();
  }
}

// The job's request, or null once it has been answered (not one for the helper, or it failed).
function prepared(job: HelperJob): HelperRequest | null {
  let request: HelperRequest | null;
  try {
    request = job.prepare();
  } catch (error) {
    job.answered({ ok: false, reason: `cannot prepare the spawn: ${(error as Error).message}` });
    return null;
  }
  if (request === null) job.answered('direct');
  return request;
}

function answerAll(entries: readonly Queued[], outcome: HelperOutcome): void {
  for (const entry of entries) entry.job.answered(outcome);
}

function encode(request: HelperRequest): Buffer {
  const fds = request.fds.map(([fd, source]) => `${fd}:${source === 'null' ? 'n' : source}`).join(' ');
  const env = Object.entries(request.env).map(([key, value]) => `${key}=${value}`);
  const umask = request.umask === null ? '' : request.umask.toString(8);
  const body = Buffer.from([request.cwd, umask, fds, String(request.argv.length), ...request.argv, ...env].join('\0'));
  return Buffer.concat([Buffer.from(String(body.length).padStart(10, '0')), body]);
}

function startHelper(): Helper | null {
  let child: ChildProcess;
  try {
    child = spawn('perl', ['-e', SPAWN_HELPER_PROGRAM], { stdio: ['pipe', 'ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  } catch {
    broken = true;
    return null;
  }
  child.on('error', () => undefined);
  if (child.pid === undefined) {
    broken = true;
    return null;
  }
  const requests = child.stdin!;
  requests.on('error', () => undefined); // EPIPE: the helper died; its pipe's close says so
  const current: Helper = { process: child, requests, pending: [], children: new Map(), exits: [], stuck: null, answeredOnce: false, stopped: false };
  const said = child.stdio[3] as Readable;
  let partial = '';
  // Read as children's output is (pipe-reader.ts): a 'data' event would cost a fresh 64 KiB
  // buffer a read, and a crash storm reads here hundreds of times a second.
  readPipe(said, (data, release) => {
    const lines = (partial + data.toString('latin1')).split('\n');
    release();
    partial = lines.pop()!;
    heard(current, lines);
  });
  // Its last lines are read before this: the pipe closes once the helper (and every child
  // between its fork and its exec) has let go of it.
  said.on('close', () => stopHelper(current));
  child.unref();
  for (const stream of [requests, said] as Array<{ unref?: () => void }>) stream.unref?.();
  return current;
}

// What the helper said, in its order: an exit line is matched to its child now, while the pid
// still names that child (the answer naming a new child with the same pid can only come later).
function heard(current: Helper, lines: readonly string[]): void {
  const idle = current.exits.length === 0;
  for (const line of lines) {
    if (line.startsWith('X ')) {
      const [pid, code, signal] = line.slice(2).split(' ');
      const child = current.children.get(Number(pid));
      if (child === undefined) continue;
      current.children.delete(child.pid);
      current.exits.push([child, code === '-' ? null : Number(code), signal === '-' ? null : signalName(Number(signal))]);
      continue;
    }
    const entry = current.pending.shift();
    if (entry === undefined) continue;
    current.answeredOnce = true;
    if (line.startsWith('P ')) {
      const [pid, start] = line.slice(2).split(' ');
      const child = new HelperChild(Number(pid), start === undefined || start === '-' ? null : Number(start));
      current.children.set(child.pid, child);
      entry.job.answered({ ok: true, child });
    } else entry.job.answered({ ok: false, reason: line.slice(2) });
  }
  if (current.pending.length === 0) {
    clearTimeout(current.stuck ?? undefined);
    current.stuck = null;
  } else current.stuck?.refresh();
  // A turn later, not now: the answer just read (maybe for the same child) is taken up in the
  // microtasks after this (its handle's exit tasks and listener), and must be before its exit is.
  if (idle && current.exits.length > 0) setImmediate(reportNextExit, current);
  if (waiting.length > 0) sendWaiting();
}

// One exit a turn of the event loop: a burst of exits (a pool's copies ending together) would
// otherwise respawn them all in one turn, and a status request would wait behind the whole burst.
function reportNextExit(current: Helper): void {
  const exit = current.exits.shift();
  if (exit === undefined) return;
  exit[0].ended(exit[1], exit[2]);
  if (current.exits.length > 0) setImmediate(reportNextExit, current);
}

// Number -> name, the first name where two share a number (SIGABRT, not SIGIOT), as Node reports it.
const SIGNAL_NAMES = new Map<number, NodeJS.Signals>();
for (const [name, number] of Object.entries(os.constants.signals)) if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name as NodeJS.Signals);

function signalName(number: number): NodeJS.Signals | null {
  return SIGNAL_NAMES.get(number) ?? null;
}

// The helper is gone (or unusable): its children lost their parent, and with it their
// parent-death signal fired; whatever escaped it (a child between fork and setpriv) is killed
// here by group, and each is reported killed so that it is restarted. What it left unanswered
// goes to a new helper (its FIFOs are still open), or is spawned directly if it never answered.
function stopHelper(current: Helper, kill = true): void {
  if (helper === current) helper = null;
  if (current.stopped) return;
  current.stopped = true;
  clearTimeout(current.stuck ?? undefined);
  if (!current.answeredOnce && current.pending.length > 0) broken = true;
  for (const [child, code, signal] of current.exits.splice(0)) child.ended(code, signal); // as the helper said
  if (kill) current.process.kill('SIGKILL'); // one that stopped answering is ended; a dead one is unaffected
  current.requests.destroy();
  for (const child of current.children.values()) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    child.ended(null, 'SIGKILL');
  }
  current.children.clear();
  const unanswered = current.pending.splice(0);
  if (unanswered.length === 0) return;
  waiting.unshift(...unanswered);
  queueMicrotask(sendWaiting);
}

/** supd exits, its children gone: the helper ends at the end of its requests, and supd waits
 * for it (1 s, then SIGKILL) so that supd reaps it; left to outlive supd by a moment, it would
 * be a zombie under an init that does not reap (seen under a container's PID 1). */
export async function endSpawnHelper(waitMs = 1000): Promise<void> {
  ending = true;
  const current = helper;
  if (current === null || current.stopped) return;
  const proc = current.process;
  const gone = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  stopHelper(current, false); // closes its requests: it reads the end and exits
  if (await settledWithin(gone, waitMs, true)) return;
  proc.kill('SIGKILL');
  await settledWithin(gone, waitMs, true);
}
