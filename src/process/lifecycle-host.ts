// What a ManagedProcess needs from the world: the supervisor provides it
// (src/supervisor/process-host.ts), tests fake it. The effects of a lifecycle step go through it.
import type { UnitSpec } from '../config/types.js';
import type { ManagedProcess } from './managed-process.js';
import type { ChildHandle, SpawnRequest, Spawning } from './spawner.js';
import type { ProcessState } from './states.js';
import type { Identity, UserEntry } from './user.js';

/** What a ManagedProcess needs from the world; the supervisor provides it (and tests fake it). */
export interface ProcessHost {
  now(): number;
  /** A one-shot timer on the host's clock; returns its cancel function. */
  schedule(fn: () => void, delayMs: number): () => void;
  random(): number;
  /** Starts the child in the copy's cgroup (now, or once the spawn helper answers); kills what it leaves behind when it ends (kill_mode). */
  spawn(proc: ManagedProcess, request: SpawnRequest): Spawning;
  /** To the main process, or to every process of the copy; false if nothing was there. */
  signal(proc: ManagedProcess, pid: number, signal: NodeJS.Signals, to: 'main' | 'all'): boolean;
  resolveIdentity(unit: UnitSpec): Identity;
  buildEnv(unit: UnitSpec, index: number, user: UserEntry | null): Record<string, string>;
  /** Why it may not start now (a dependency not running: `waiting for db`), or null; the host releases it later. */
  holdReason(proc: ManagedProcess): string | null;
  /** Runs the before_start hook; resolves to null when it allows the start, else why not. */
  beforeStart(proc: ManagedProcess): Promise<string | null>;
  /** Watches for `ready`; calls back once; returns a function that stops watching. */
  watchReadiness(proc: ManagedProcess, child: ChildHandle, ready: () => void, timedOut: (lastFailure: string | null) => void): () => void;
  attachOutput(proc: ManagedProcess, child: ChildHandle): void;
  /** supd's fds of the unit's held sockets, in order (they become the child's 3, 4, ...). */
  socketFds?(unit: UnitSpec): number[];
  /** The last non-empty line the child wrote to stderr (cut short), for a failed start's reason. */
  lastErrorLine?(child: ChildHandle): string | null;
  /** `startTime`: its /proc start time if the spawner read it at the fork (a child that ends at once is gone from /proc soon). */
  childStarted(proc: ManagedProcess, pid: number, startTime?: number | null): void;
  childExited(proc: ManagedProcess, pid: number, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number): void;
  /** After an exit with status 0 before start_secs: a process it left running (it daemonized itself), if any. */
  findLeftover(proc: ManagedProcess, child: ChildHandle): number | null;
  stateChanged(proc: ManagedProcess, from: ProcessState, to: ProcessState, reason: string | null): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, name: string): void;
}
