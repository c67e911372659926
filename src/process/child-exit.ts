// A started child's exit, reported once: after the kernel said so, its afterExit tasks settled
// and the output was drained (or 250 ms passed: a grandchild holding the pipes must not hold
// it forever); holdExit delays it further (at most EXIT_HOLD_MAX_MS).
//
// Counters and fields, not promise chains: a child that runs for months holds its handle, one
// listener on each read end and nothing else (each promise, reaction and closure kept alive
// per child is memory per child; docs/benchmarks.md, "Per-child memory").
import type { Readable } from 'node:stream';
import type { ChildHandle, ExitListener } from './spawner.js';
import { settledWithin } from './settled-within.js';

/** The longest an exit report waits for the output to reach its files (a stuck disk must not stall restarts). */
export const EXIT_HOLD_MAX_MS = 5000;
/** The longest an exit report waits, after the kernel's exit, for the read ends to close. */
export const DRAIN_MAX_MS = 250;

/** What reports a child's end: Node's ChildProcess ('exit', then 'close' once its own pipes closed). */
export interface ExitSource {
  on(event: 'error' | 'exit' | 'close', listener: (...args: any[]) => void): unknown;
}

/** Or the fork server (spawn-helper.ts): one call, which is both the exit and the close. */
export interface EndSource {
  onEnd(sink: EndSink): void;
}

export interface EndSink {
  childEnded(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface ChildParts {
  readonly pid: number;
  readonly startTime?: number | null;
  readonly exe: string;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly extra: ReadonlyMap<number, Readable>;
  /** The read ends supd opened itself: each closes at EOF, once every writer is gone. */
  readonly own: readonly Readable[];
}

type Status = readonly [number | null, NodeJS.Signals | null];
type Hold = () => Promise<void>;
type Task = () => Promise<void> | void;

const ignore = (): void => undefined;
const NONE: readonly never[] = [];

export class WrappedChild implements ChildHandle, EndSink {
  readonly pid: number;
  readonly startTime: number | null;
  readonly exe: string;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly extra: ReadonlyMap<number, Readable>;
  private listener: ExitListener | null = null;
  /** The kernel's exit status (or the close's, should the exit not have come). */
  private status: Status | null = null;
  /** Still to come before the report: the source's close and each open read end's close. */
  private waiting = 1;
  /** The report may go: nothing is waited for any more, or DRAIN_MAX_MS passed since the exit. */
  private due = false;
  private reported = false;
  private holds: readonly Hold[] = NONE;
  private tasks: readonly Task[] = NONE;
  private cleanup: Promise<void> | void = undefined;

  constructor(source: ExitSource | EndSource, parts: ChildParts) {
    ({ pid: this.pid, exe: this.exe, stdout: this.stdout, stderr: this.stderr, extra: this.extra } = parts);
    this.startTime = parts.startTime ?? null;
    const open = parts.own.filter((stream) => !stream.closed && !stream.destroyed);
    if (open.length > 0) {
      const closed = (): void => this.settle();
      for (const stream of open) stream.on('close', closed);
      this.waiting += open.length;
    }
    if ('onEnd' in source) {
      source.onEnd(this);
      return;
    }
    source.on('error', ignore);
    source.on('exit', (code: number | null, signal: NodeJS.Signals | null) => this.kernelExit(code, signal));
    // 'close' waits for the pipes Node made (a fallback socketpair).
    source.on('close', (code: number | null, signal: NodeJS.Signals | null) => this.sourceClosed(code, signal));
  }

  get exited(): boolean {
    return this.status !== null;
  }

  onExit(listener: ExitListener): void {
    this.listener = listener;
    this.report();
  }

  holdExit(wait: Hold): void {
    this.holds = [...this.holds, wait];
  }

  afterExit(task: Task): void {
    if (this.status === null) return void (this.tasks = [...this.tasks, task]);
    // The exit came first (the spawn helper's answer and the child's exit read together, the
    // task registered a microtask later): run it now, and the report, not made yet, waits for it.
    const done = runTasks([task]);
    if (done !== undefined) this.cleanup = this.cleanup === undefined ? done : Promise.all([this.cleanup, done]).then(() => undefined);
  }

  childEnded(code: number | null, signal: NodeJS.Signals | null): void {
    this.kernelExit(code, signal, 1);
    this.sourceClosed(code, signal);
  }

  /** DRAIN_MAX_MS after the exit: report without waiting for the rest of the output. */
  drainTimedOut(): void {
    this.due = true;
    this.report();
  }

  // `closing`: 1 when the source's close comes with the exit (nothing to time out if that was all).
  private kernelExit(code: number | null, signal: NodeJS.Signals | null, closing = 0): void {
    if (this.status !== null) return;
    this.status = [code, signal];
    this.cleanup = runTasks(this.tasks);
    this.tasks = NONE;
    if (this.waiting > closing) drainTimeouts.add(this);
  }

  private sourceClosed(code: number | null, signal: NodeJS.Signals | null): void {
    this.status ??= [code, signal];
    this.settle();
  }

  private settle(): void {
    if (--this.waiting > 0) return;
    this.due = true;
    this.report();
  }

  private report(): void {
    if (this.reported || !this.due || this.status === null || this.listener === null) return;
    this.reported = true;
    const [code, signal] = this.status;
    const listener = this.listener;
    this.listener = null;
    if (this.holds.length === 0 && this.cleanup === undefined) return listener(code, signal);
    const waits = [this.cleanup, ...this.holds.map((hold) => hold())];
    this.holds = NONE;
    void settledWithin(Promise.all(waits), EXIT_HOLD_MAX_MS).then(() => listener(code, signal));
  }
}

// The tasks of afterExit; undefined when none had anything to wait for (the usual exit).
function runTasks(tasks: readonly Task[]): Promise<void> | void {
  const pending: Array<Promise<void>> = [];
  for (const task of tasks) {
    try {
      const result = task();
      if (result !== undefined) pending.push(result);
    } catch {
      // a failed cleanup must not lose the exit
    }
  }
  if (pending.length > 0) return Promise.all(pending).then(() => undefined);
}

// Every exit's DRAIN_MAX_MS on one timer: the delay is the same for all, so they fall due in
// the order they came, and a queue with one timer for its head does (no timer per exit).
class DrainTimeouts {
  private readonly queue: Array<{ readonly at: number; readonly child: WrappedChild }> = [];
  private timer: NodeJS.Timeout | null = null;

  add(child: WrappedChild): void {
    this.queue.push({ at: performance.now() + DRAIN_MAX_MS, child });
    if (this.timer === null) this.arm(DRAIN_MAX_MS);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.fire(), ms);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) this.queue.shift()!.child.drainTimedOut();
    // An exit reported just now may have queued another (and armed for it): one timer, for the head.
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length > 0) this.arm(Math.max(1, Math.ceil(this.queue[0]!.at - now)));
  }
}

const drainTimeouts = new DrainTimeouts();
