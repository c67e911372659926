// The world as a ManagedProcess sees it (ProcessHost), wired to the supervisor's parts: the
// children (spawner), the copy tracker (cgroups), the guardian and child registry, hooks,
// readiness, log outputs and events. Built in the composition root (compose.ts) around what the
// supervisor gives (HostSide); unit tests pass fake children and a fake clock.
import { watchReadiness } from '../health/readiness.js';
import { LastLine } from '../logs/last-line.js';
import type { Logger } from '../logs/supd-log.js';
import type { ProcessOutput } from '../logs/process-output.js';
import { buildChildEnv } from '../process/child-env.js';
import type { Clock } from '../process/clock.js';
import type { CopyTracker } from '../process/copy-tracker.js';
import type { Guardian } from '../process/guardian.js';
import type { ManagedProcess, ProcessHost } from '../process/managed-process.js';
import { findDaemonizedLeftover, readStartTime, readTreePids } from '../process/proc.js';
import { signalProcess, spawnChild, type ChildHandle, type SpawnRequest, type SpawnResult, type Spawning } from '../process/spawner.js';
import type { ProcessState } from '../process/states.js';
import { resolveIdentity } from '../process/user.js';
import { listenEnv, type HeldSockets } from '../sockets/held-sockets.js';
import type { ChildRegistry } from './child-registry.js';
import type { SupervisorEmitter } from './events.js';
import { runProcessHook } from './process-hooks.js';

/** What the supervisor gives its processes' host: its events and its dependency gate. */
export interface HostSide {
  readonly events: SupervisorEmitter;
  /** depends_on: why a process must wait before a start, or null (DependencyGate.holdReason). */
  holdReason(proc: ManagedProcess): string | null;
  /** What follows a move inside the supervisor (held-back dependents). */
  onStateChanged(proc: ManagedProcess, from: ProcessState, to: ProcessState): void;
}

/** Where children come from and how they are signalled: the spawner, or a test's fake children. */
export interface ChildLauncher {
  spawn(request: SpawnRequest): Spawning;
  /** To the process, or (group) to its process group; false if nothing was there. */
  signal(pid: number, signal: NodeJS.Signals, group: boolean): boolean;
}

export const realChildren: ChildLauncher = { spawn: spawnChild, signal: signalProcess };

export interface HostWiring extends HostSide {
  readonly log: Logger;
  readonly guardian: Pick<Guardian, 'watch' | 'forget'>;
  readonly registry: Pick<ChildRegistry, 'add' | 'remove'>;
  readonly tracker: Pick<CopyTracker, 'entryOf' | 'members' | 'signalAll' | 'killAll' | 'release'>;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly sockets: Pick<HeldSockets, 'fdsFor' | 'childStarted' | 'childExited'>;
  readonly clock: Clock;
  readonly children?: ChildLauncher;
  random?(): number;
  outputOf(name: string): ProcessOutput | undefined;
}

type HostPart<K extends keyof ProcessHost> = Pick<ProcessHost, K>;

export function createProcessHost(w: HostWiring): ProcessHost {
  /** /proc start time of each live child, to recognise what it leaves behind. */
  const startTimes = new Map<number, number>();
  /** What a child that exited at once with status 0 left behind (killed since), for findLeftover. */
  const leftBehind = new Map<number, number>();
  return {
    now: () => w.clock.now(),
    schedule: (fn, delayMs) => w.clock.schedule(fn, delayMs),
    random: () => (w.random ?? Math.random)(),
    holdReason: (proc) => w.holdReason(proc),
    log: (level, message, name) => w.log[level](message, name),
    ...childrenPart(w, leftBehind),
    ...startPart(w),
    ...outputPart(w),
    ...lifePart(w, startTimes, leftBehind),
  };
}

// Spawning into the copy's cgroup, and signals to the main process or the whole copy.
function childrenPart(w: HostWiring, leftBehind: Map<number, number>): HostPart<'spawn' | 'signal'> {
  const children = w.children ?? realChildren;
  return {
    spawn: (proc, request) => {
      const started = (result: SpawnResult): SpawnResult => {
        if (result.ok) reapAfterExit(w, proc, result.child, leftBehind);
        return result;
      };
      const spawning = children.spawn({ ...request, cgroupProcs: w.tracker.entryOf(proc.name) });
      return spawning instanceof Promise ? spawning.then(started) : started(spawning);
    },
    signal: (proc, pid, signal, to) => {
      if (to === 'main') return children.signal(pid, signal, false);
      // Not in the tracker (no cgroup could be entered): its process group then.
      return w.tracker.signalAll(proc.name, pid, signal) > 0 || children.signal(pid, signal, true);
    },
  };
}

// What a start needs: the user, the environment, held sockets, the before_start hook, readiness.
function startPart(w: HostWiring): HostPart<'resolveIdentity' | 'buildEnv' | 'socketFds' | 'beforeStart' | 'watchReadiness'> {
  const myUid = process.getuid?.() ?? 0;
  return {
    resolveIdentity: (unit) => resolveIdentity(unit.user, unit.group, myUid),
    buildEnv: (unit, index, user) => ({ ...withoutListenVars(buildChildEnv(unit, index, user, w.baseEnv)), ...listenEnv(unit) }),
    socketFds: (unit) => w.sockets.fdsFor(unit),
    beforeStart: (proc) => runProcessHook(proc, 'before_start', { pid: null, code: null, signal: null }, w.log, w.baseEnv),
    watchReadiness: (proc, child, ready, timedOut) => watchReadiness(proc.unit.ready!, child, { ready, timedOut, members: () => readTreePids(child.pid) }),
  };
}

// The child's pipes to its log files, and its last stderr line for a failed start's reason.
function outputPart(w: HostWiring): HostPart<'attachOutput' | 'lastErrorLine'> {
  /** The last stderr line of each child, while it is referenced (its output's pipes track it). */
  const lastLines = new WeakMap<ChildHandle, { readonly line: string | null }>();
  return {
    attachOutput: (proc, child) => {
      const attached = w.outputOf(proc.name)?.attach(child);
      if (attached !== undefined) return void lastLines.set(child, attached);
      // Merged, what the program writes to stderr comes on its stdout pipe.
      const tracker = new LastLine();
      (proc.unit.stderr === 'merge' ? child.stdout : child.stderr).on('data', (data: Buffer) => tracker.feed(data));
      lastLines.set(child, tracker);
    },
    lastErrorLine: (child) => lastLines.get(child)?.line ?? null,
  };
}

// A child's life as supd records it: the guardian, the registry, sockets, supd.log, events, hooks.
function lifePart(w: HostWiring, startTimes: Map<number, number>, leftBehind: Map<number, number>): HostPart<'childStarted' | 'childExited' | 'findLeftover' | 'stateChanged'> {
  return {
    childStarted: (proc, pid, known) => {
      const startTime = known ?? readStartTime(pid);
      if (startTime !== null) startTimes.set(pid, startTime);
      w.guardian.watch(pid);
      w.registry.add(pid, proc.name, startTime);
      w.sockets.childStarted(pid, proc.unit);
      w.log.info(`spawned pid ${pid}: ${proc.unit.argv.join(' ')}`, proc.name);
      w.events.emit('process:spawn', { name: proc.name, pid });
    },
    childExited: (proc, pid, code, signal, uptimeMs) => {
      setImmediate(() => {
        startTimes.delete(pid);
        leftBehind.delete(pid);
      });
      w.guardian.forget(pid);
      w.registry.remove(pid);
      w.sockets.childExited(pid);
      const how = signal === null ? `exited with code ${code}` : `killed by ${signal}`;
      w.log.info(`pid ${pid} ${how} after ${(uptimeMs / 1000).toFixed(2)} s`, proc.name);
      w.events.emit('process:exit', { name: proc.name, pid, code, signal, uptimeMs });
      void runProcessHook(proc, 'after_exit', { pid, code, signal }, w.log, w.baseEnv);
    },
    findLeftover: (_proc, child) => {
      const killed = leftBehind.get(child.pid);
      if (killed !== undefined) return killed;
      const startTime = startTimes.get(child.pid);
      return startTime === undefined ? null : findDaemonizedLeftover({ pid: child.pid, startTime, exe: child.exe });
    },
    stateChanged: (proc, from, to, reason) => {
      w.log.debug(`${from} -> ${to}${reason === null ? '' : ` (${reason})`}`, proc.name);
      w.events.emit('process:state', { name: proc.name, from, to, reason });
      if ((to === 'stopped' || to === 'exited' || to === 'fatal') && proc.pid === null) w.tracker.release(proc.name);
      runMoveHooks(w, proc, to);
      w.onStateChanged(proc, from, to);
    },
  };
}

// after_start once it runs, on_fatal once supd gives up on it.
function runMoveHooks(w: HostWiring, proc: ManagedProcess, to: ProcessState): void {
  if (to === 'running') void runProcessHook(proc, 'after_start', { pid: proc.pid, code: null, signal: null }, w.log, w.baseEnv);
  if (to !== 'fatal') return;
  const exit = proc.lastExit;
  void runProcessHook(proc, 'on_fatal', { pid: null, code: exit?.code ?? null, signal: exit?.signal ?? null }, w.log, w.baseEnv);
}

// A closure of its own, so that what it holds while the child runs is the copy and the child.
function reapAfterExit(w: HostWiring, proc: ManagedProcess, child: ChildHandle, leftBehind: Map<number, number>): void {
  child.afterExit(() => reapCopy(w, proc, child, leftBehind));
}

// The main process ended: unless kill_mode = process, SIGKILL whatever is left of the copy
// (workers that outlive their master would hold its port against the next one) before the
// exit is reported, so before any respawn. Nothing to wait for in the usual case (none left).
function reapCopy(w: HostWiring, proc: ManagedProcess, child: ChildHandle, leftBehind: Map<number, number>): Promise<void> | void {
  if (proc.unit.killMode === 'process') return;
  const left = w.tracker.members(proc.name, child.pid);
  if (left.length === 0) return;
  // If this was an exit with status 0 within start_secs (ready or not), it daemonized itself:
  // ManagedProcess asks findLeftover, and the daemon killed here is the answer.
  if (proc.state !== 'stopping' && proc.wanted === 'up') leftBehind.set(child.pid, Math.min(...left));
  return w.tracker.killAll(proc.name, child.pid).then((count) => {
    const pids = left.length > 10 ? `${left.slice(0, 10).join(', ')}...` : left.join(', ');
    const level = proc.state === 'stopping' ? 'info' : 'warn';
    w.log[level](`killed ${count} leftover process${count === 1 ? '' : 'es'} of ${proc.name} (pid ${pids}) after its main process ${child.pid} ended`, proc.name);
  });
}

// supd's own LISTEN_* (were it socket-activated) are not for its children: only a unit's sockets set them.
function withoutListenVars(env: Record<string, string>): Record<string, string> {
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  delete env.LISTEN_PID;
  return env;
}
