// The world as a ManagedProcess sees it (ProcessHost), wired to the supervisor's parts: the
// spawner, the copy tracker (cgroups), the guardian and child registry, hooks, readiness, log
// outputs and events.
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
import { signalProcess, spawnChild, type ChildHandle } from '../process/spawner.js';
import type { ProcessState } from '../process/states.js';
import { resolveIdentity } from '../process/user.js';
import { listenEnv, type HeldSockets } from '../sockets/held-sockets.js';
import type { ChildRegistry } from './child-registry.js';
import type { SupervisorEmitter } from './events.js';
import { runProcessHook } from './process-hooks.js';

export interface HostWiring {
  readonly log: Logger;
  readonly guardian: Guardian;
  readonly registry: ChildRegistry;
  readonly tracker: CopyTracker;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  readonly events: SupervisorEmitter;
  readonly sockets: HeldSockets;
  readonly clock: Clock;
  random(): number;
  outputOf(name: string): ProcessOutput | undefined;
  /** depends_on: why a process must wait before a start, or null (DependencyGate.holdReason). */
  holdReason(proc: ManagedProcess): string | null;
  /** What follows a move (health checks, hooks, held-back dependents). */
  onStateChanged(proc: ManagedProcess, from: ProcessState, to: ProcessState): void;
}

export function createProcessHost(w: HostWiring): ProcessHost {
  const { log, guardian, registry, events, baseEnv, sockets } = w;
  const myUid = process.getuid?.() ?? 0;
  /** /proc start time of each live child, to recognise what it leaves behind. */
  const childStartTimes = new Map<number, number>();
  /** The last stderr line of each child, while it is referenced. */
  const lastLines = new WeakMap<ChildHandle, LastLine>();
  /** What a child that exited at once with status 0 left behind (killed since), for findLeftover. */
  const leftBehind = new Map<number, number>();
  const reap = (proc: ManagedProcess, child: ChildHandle) => reapCopy(w, proc, child, leftBehind);
  return {
    now: () => w.clock.now(),
    schedule: (fn, delayMs) => w.clock.schedule(fn, delayMs),
    random: () => w.random(),
    spawn: (proc, request) => {
      const result = spawnChild({ ...request, cgroupProcs: w.tracker.entryOf(proc.name) });
      if (result.ok) result.child.afterExit(() => reap(proc, result.child));
      return result;
    },
    signal: (proc, pid, signal, to) => {
      if (to === 'main') return signalProcess(pid, signal, false);
      // Not in the tracker (no cgroup could be entered): its process group then.
      return w.tracker.signalAll(proc.name, pid, signal) > 0 || signalProcess(pid, signal, true);
    },
    resolveIdentity: (unit) => resolveIdentity(unit.user, unit.group, myUid),
    buildEnv: (unit, index, user) => ({ ...withoutListenVars(buildChildEnv(unit, index, user, baseEnv)), ...listenEnv(unit) }),
    socketFds: (unit) => sockets.fdsFor(unit),
    holdReason: (proc) => w.holdReason(proc),
    beforeStart: (proc) => runProcessHook(proc, 'before_start', { pid: null, code: null, signal: null }, log, baseEnv),
    watchReadiness: (proc, child, ready, timedOut) => watchReadiness(proc.unit.ready!, child, { ready, timedOut, members: () => readTreePids(child.pid) }),
    attachOutput: (proc, child) => {
      w.outputOf(proc.name)?.attach(child);
      // Merged, what the program writes to stderr comes on its stdout pipe.
      const tracker = new LastLine();
      (proc.unit.stderr === 'merge' ? child.stdout : child.stderr).on('data', (data: Buffer) => tracker.feed(data));
      lastLines.set(child, tracker);
    },
    lastErrorLine: (child) => lastLines.get(child)?.line ?? null,
    childStarted: (proc, pid) => {
      const startTime = readStartTime(pid);
      if (startTime !== null) childStartTimes.set(pid, startTime);
      guardian.watch(pid);
      registry.add(pid, proc.name, startTime);
      sockets.childStarted(pid, proc.unit);
      log.info(`spawned pid ${pid}: ${proc.unit.argv.join(' ')}`, proc.name);
      events.emit('process:spawn', { name: proc.name, pid });
    },
    childExited: (proc, pid, code, signal, uptimeMs) => {
      setImmediate(() => {
        childStartTimes.delete(pid);
        leftBehind.delete(pid);
      });
      guardian.forget(pid);
      registry.remove(pid);
      sockets.childExited(pid);
      const how = signal === null ? `exited with code ${code}` : `killed by ${signal}`;
      log.info(`pid ${pid} ${how} after ${(uptimeMs / 1000).toFixed(2)} s`, proc.name);
      events.emit('process:exit', { name: proc.name, pid, code, signal, uptimeMs });
      void runProcessHook(proc, 'after_exit', { pid, code, signal }, log, baseEnv);
    },
    findLeftover: (_proc, child) => {
      const killed = leftBehind.get(child.pid);
      if (killed !== undefined) return killed;
      const startTime = childStartTimes.get(child.pid);
      return startTime === undefined ? null : findDaemonizedLeftover({ pid: child.pid, startTime, exe: child.exe });
    },
    stateChanged: (proc, from, to, reason) => {
      log.debug(`${from} -> ${to}${reason === null ? '' : ` (${reason})`}`, proc.name);
      events.emit('process:state', { name: proc.name, from, to, reason });
      if ((to === 'stopped' || to === 'exited' || to === 'fatal') && proc.pid === null) w.tracker.release(proc.name);
      w.onStateChanged(proc, from, to);
    },
    log: (level, message, name) => log[level](message, name),
  };
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
