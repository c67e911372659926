// A ProcessHost with no world behind it: fake children, a fake clock, everything recorded.
import { PassThrough } from 'node:stream';
import type { UnitSpec } from '../../../src/config/types.js';
import { ManagedProcess, type ProcessHost } from '../../../src/process/managed-process.js';
import type { ChildHandle, SpawnRequest, SpawnResult } from '../../../src/process/spawner.js';
import { FakeClock } from '../../helpers/fake-clock.js';

export class FakeChild implements ChildHandle {
  readonly exe = '/usr/bin/node';
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly extra = new Map();
  exited = false;
  private listener: ((code: number | null, signal: NodeJS.Signals | null) => void) | null = null;

  constructor(readonly pid: number) {}

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.listener = listener;
  }

  holdExit(): void {}
  afterExit(): void {}

  /** The child ends: its exit reported to the ManagedProcess. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.exited = true;
    this.listener?.(code, signal);
  }
}

export class FakeHost implements ProcessHost {
  readonly clock = new FakeClock();
  readonly children: FakeChild[] = [];
  readonly requests: SpawnRequest[] = [];
  readonly signals: Array<{ pid: number; signal: NodeJS.Signals; to: 'main' | 'all' }> = [];
  readonly states: Array<{ from: string; to: string; reason: string | null }> = [];
  readonly logs: string[] = [];
  hold: string | null = null;
  spawnFailure: string | null = null;
  /** Spawns answer later, as the spawn helper's do: each waits here until `answerSpawn`. */
  deferSpawns = false;
  readonly spawnsDue: Array<() => void> = [];
  leftover: number | null = null;
  /** The before_start hook's pending answers, oldest first. */
  readonly hooks: Array<(refusal: string | null) => void> = [];
  readiness: { ready: () => void; timedOut: (last: string | null) => void; stopped: boolean } | null = null;
  private nextPid = 1000;

  now = (): number => this.clock.now;
  schedule = (fn: () => void, delayMs: number): (() => void) => this.clock.schedule(fn, delayMs);
  random = (): number => 0.5;
  spawn(_proc: ManagedProcess, request: SpawnRequest): SpawnResult | Promise<SpawnResult> {
    if (!this.deferSpawns) return this.spawnNow(request);
    return new Promise((resolve) => this.spawnsDue.push(() => resolve(this.spawnNow(request))));
  }
  /** The oldest deferred spawn answers (a child, or spawnFailure); its outcome is dispatched after a microtask. */
  async answerSpawn(): Promise<void> {
    this.spawnsDue.shift()!();
    await Promise.resolve();
  }
  private spawnNow(request: SpawnRequest): SpawnResult {
    if (this.spawnFailure !== null) return { ok: false as const, reason: this.spawnFailure };
    this.requests.push(request);
    const child = new FakeChild(this.nextPid++);
    this.children.push(child);
    return { ok: true as const, child };
  }
  signal(_proc: ManagedProcess, pid: number, signal: NodeJS.Signals, to: 'main' | 'all'): boolean {
    this.signals.push({ pid, signal, to });
    return true;
  }
  resolveIdentity = () => ({ ok: true as const, user: null, gid: null });
  buildEnv = (): Record<string, string> => ({});
  holdReason = (): string | null => this.hold;
  beforeStart = (): Promise<string | null> => new Promise((resolve) => this.hooks.push(resolve));
  watchReadiness(_proc: ManagedProcess, _child: ChildHandle, ready: () => void, timedOut: (last: string | null) => void): () => void {
    const watch = { ready, timedOut, stopped: false };
    this.readiness = watch;
    return () => void (watch.stopped = true);
  }
  attachOutput(): void {}
  lastErrorLine = (): string | null => null;
  childStarted(): void {}
  childExited(): void {}
  findLeftover = (): number | null => this.leftover;
  stateChanged(_proc: ManagedProcess, from: string, to: string, reason: string | null): void {
    this.states.push({ from, to, reason });
  }
  log(_level: string, message: string): void {
    this.logs.push(message);
  }

  get child(): FakeChild {
    return this.children.at(-1)!;
  }

  /** The moves so far, `a -> b` each. */
  get moves(): string[] {
    return this.states.map((s) => `${s.from} -> ${s.to}`);
  }
}

export function managed(unit: UnitSpec, host = new FakeHost()): { proc: ManagedProcess; host: FakeHost } {
  return { proc: new ManagedProcess(unit, 0, host), host };
}
