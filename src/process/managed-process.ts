// One supervised process: owns its child and is the only writer of its state. Commands
// change what is wanted; exits and timers are turned into moves by the pure decideAfterExit.
import type { UnitSpec } from '../config/types.js';
import { unitForCopy } from '../config/per-copy.js';
import { execFailureHint } from './exit-reason.js';
import { limitsPrefix } from './limits.js';
import { decideAfterExit, isSuccessfulExit, recordRespawn, stayedUp, type ExitDecision, type ExitFacts } from './decide.js';
import type { ChildHandle, SpawnRequest, SpawnResult } from './spawner.js';
import { isLegalTransition, type ProcessState } from './states.js';
import type { Identity, UserEntry } from './user.js';

export interface LastExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
  /** How long that run lasted. */
  readonly durationMs: number;
}

/** What a ManagedProcess needs from the world; the supervisor provides it (and tests fake it). */
export interface ProcessHost {
  now(): number;
  /** A one-shot timer on the host's clock; returns its cancel function. */
  schedule(fn: () => void, delayMs: number): () => void;
  random(): number;
  /** Starts the child in the copy's cgroup; kills what it leaves behind when it ends (kill_mode). */
  spawn(proc: ManagedProcess, request: SpawnRequest): SpawnResult;
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
  childStarted(proc: ManagedProcess, pid: number): void;
  childExited(proc: ManagedProcess, pid: number, code: number | null, signal: NodeJS.Signals | null, uptimeMs: number): void;
  /** After an exit with status 0 before start_secs: a process it left running (it daemonized itself), if any. */
  findLeftover(proc: ManagedProcess, child: ChildHandle): number | null;
  stateChanged(proc: ManagedProcess, from: ProcessState, to: ProcessState, reason: string | null): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, name: string): void;
}

export class IllegalTransitionError extends Error {}

export class ManagedProcess {
  readonly name: string;
  readonly index: number;
  /** This copy's unit: per-copy values (`{index}`...) filled in, whatever unit is assigned. */
  private copy!: UnitSpec;
  state: ProcessState = 'stopped';
  wanted: 'up' | 'down' = 'down';
  pid: number | null = null;
  startedAt: number | null = null;
  /** Every start after the first, whatever the cause. */
  restarts = 0;
  /** Restarts because a watched file changed (src/watch), counted by the supervisor. */
  watchRestarts = 0;
  lastExit: LastExit | null = null;
  /** Why the process is where it is, when that is not obvious (a failed start, fatal, held back). */
  reason: string | null = null;
  private starts = 0;
  /** Bumped at every start attempt, so a late answer (a hook, a timer) for an older one is ignored. */
  private attempt = 0;
  private consecutiveFailures = 0;
  private respawnTimes: number[] = [];
  private child: ChildHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  private killTimer: NodeJS.Timeout | null = null;
  private stopReadiness: (() => void) | null = null;
  /** A restart in progress: once the child has stopped, start again. */
  private restartPending = false;

  constructor(unit: UnitSpec, index: number, private readonly host: ProcessHost) {
    this.index = index;
    this.unit = unit;
    this.name = `${unit.name}:${index}`;
  }

  get unit(): UnitSpec {
    return this.copy;
  }

  set unit(unit: UnitSpec) {
    this.copy = unitForCopy(unit, this.index);
  }

  get isScheduled(): boolean {
    return this.unit.schedule !== null;
  }

  /** Want it up; spawn now unless a child is already there (a scheduled program: run once now). */
  start(): void {
    this.wanted = 'up';
    this.restartPending = false;
    if (this.state === 'stopped' || this.state === 'exited' || this.state === 'fatal' || this.state === 'backoff' || this.state === 'waiting') {
      this.clearTimer();
      this.spawnNow();
    }
  }

  /** A scheduled program: want it up and wait for its next tick. */
  arm(): void {
    this.wanted = 'up';
    if (this.state === 'stopped' || this.state === 'exited' || this.state === 'fatal') this.changeState('waiting', null); // stopped|exited|fatal -> waiting
  }

  /** A scheduler tick: run now unless a run is still going (never two at once). */
  tick(): 'started' | 'busy' | 'not-wanted' {
    if (this.wanted !== 'up') return 'not-wanted';
    if (this.state !== 'waiting') return 'busy';
    this.spawnNow();
    return 'started';
  }

  /** Hold a wanted process back (depends_on): stays `stopped` with a reason until released. */
  holdBack(reason: string): void {
    this.wanted = 'up';
    if (this.child !== null) return; // already up: nothing to hold (a later start asks again)
    this.reason = reason;
    if (this.state === 'stopped') this.host.stateChanged(this, 'stopped', 'stopped', reason);
    else if (this.state !== 'waiting') {
      this.clearTimer();
      this.changeState('stopped', reason); // running|starting|backoff|exited|fatal -> stopped (no child)
    }
  }

  /** Want it down: stop signal now, SIGKILL after stop_timeout. */
  stop(): void {
    this.wanted = 'down';
    this.restartPending = false;
    if (this.state === 'backoff' || this.state === 'exited' || this.state === 'fatal' || this.state === 'waiting') {
      this.clearTimer();
      this.changeState('stopped', null); // backoff|exited|fatal|waiting -> stopped
    } else if (this.state === 'starting' && this.child === null) {
      this.attempt++; // a before_start hook is still running: abandon that start
      this.changeState('stopped', null); // starting -> stopped
    } else if (this.state === 'starting' || this.state === 'running') {
      this.sendStop();
    }
    if (this.state === 'stopped') this.reason = null;
  }

  /** A scheduled program with no run going: a restart re-arms it, never runs it (only `start` does). */
  get isBetweenRuns(): boolean {
    return this.isScheduled && this.child === null && this.state !== 'stopping';
  }

  /** Stop the child if there is one, then start again (with the current unit spec); a scheduled one waits for its next tick. */
  restart(): void {
    if (this.isBetweenRuns) return this.arm();
    if (this.child === null || this.state === 'stopping') {
      if (this.state === 'stopping') {
        this.wanted = 'up';
        this.restartPending = true;
      } else this.start();
      return;
    }
    this.wanted = 'up';
    this.restartPending = true;
    this.sendStop();
  }

  /** `supd signal`: to the main process (to every process with `group`, or kill_mode = group); false if there is no child. */
  sendSignal(signal: NodeJS.Signals, group = false): boolean {
    if (this.pid === null) return false;
    return this.host.signal(this, this.pid, signal, group || this.unit.killMode === 'group' ? 'all' : 'main');
  }

  /** Shutdown's last resort: SIGKILL to every process of the copy, whatever kill_mode says. */
  kill(): void {
    if (this.pid !== null) this.host.signal(this, this.pid, 'SIGKILL', 'all');
  }

  get uptimeMs(): number | null {
    return this.startedAt === null || this.pid === null ? null : this.host.now() - this.startedAt;
  }

  private sendStop(): void {
    if (this.pid === null) return;
    this.clearTimer(); // no start_secs promotion while stopping
    this.changeState('stopping', null); // starting|running -> stopping
    this.signalThenKill(this.pid);
  }

  // stop_signal now, SIGKILL after stop_timeout if the child is still there.
  private signalThenKill(pid: number): void {
    this.host.log('info', `stopping: sent ${this.unit.stopSignal} to pid ${pid}, SIGKILL after ${this.unit.stopTimeoutMs} ms`, this.name);
    this.host.signal(this, pid, this.unit.stopSignal, this.unit.killMode === 'group' ? 'all' : 'main');
    if (this.killTimer !== null) clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      this.killTimer = null;
      if (this.pid !== pid) return;
      this.host.log('warn', `did not exit within ${this.unit.stopTimeoutMs} ms of ${this.unit.stopSignal}: sending SIGKILL`, this.name);
      this.host.signal(this, pid, 'SIGKILL', this.unit.killMode === 'process' ? 'main' : 'all');
    }, this.unit.stopTimeoutMs);
  }

  private spawnNow(): void {
    // depends_on holds every start (a respawn, a restart, a health or memory restart), not only the first.
    const held = this.isScheduled ? null : this.host.holdReason(this);
    if (held !== null) {
      this.host.log('info', `not starting it: ${held}`, this.name);
      return this.holdBack(held);
    }
    this.changeState('starting', null); // stopped|exited|fatal|backoff|running|waiting -> starting
    if (this.starts++ > 0) this.restarts++;
    const attempt = ++this.attempt;
    if (this.unit.hooks?.beforeStart == null) return this.launch();
    void this.host.beforeStart(this).then((refusal) => {
      if (attempt !== this.attempt || this.state !== 'starting' || this.wanted !== 'up') return;
      if (refusal === null) this.launch();
      else this.failStart(refusal);
    });
  }

  private launch(): void {
    const identity = this.host.resolveIdentity(this.unit);
    if (!identity.ok) return this.failStart(identity.reason);
    const notifyFd = this.unit.ready?.kind === 'fd' ? Number(this.unit.ready.target) : null;
    const prefix = limitsPrefix(this.unit);
    if (!prefix.ok) return this.failStart(prefix.reason);
    const env = this.host.buildEnv(this.unit, this.index, identity.user);
    if (notifyFd !== null) env.SUPD_NOTIFY_FD = String(notifyFd);
    const result = this.host.spawn(this, {
      argv: this.unit.argv,
      cwd: this.unit.cwd,
      env,
      umask: this.unit.umask,
      mergeStderr: this.unit.stderr === 'merge',
      uid: identity.user === null || identity.user.uid === process.getuid?.() ? null : identity.user.uid,
      gid: identity.gid === null || identity.gid === process.getgid?.() ? null : identity.gid,
      extraFds: notifyFd === null ? [] : [notifyFd],
      prefix: prefix.argv,
      listenFds: this.host.socketFds?.(this.unit) ?? [],
    });
    if (!result.ok) return this.failStart(result.reason);
    const child = result.child;
    this.child = child;
    this.pid = child.pid;
    this.startedAt = this.host.now();
    this.reason = null;
    this.host.attachOutput(this, child);
    this.host.childStarted(this, child.pid);
    child.onExit((code, signal) => this.onChildExit(child, code, signal));
    this.armStartTimer(child);
    if (this.isScheduled && this.unit.timeoutMs !== null) this.armRunTimeout(child, this.unit.timeoutMs);
  }

  // Up for start_secs, or ready when `ready` says so (a scheduled run counts as running at once).
  private armStartTimer(child: ChildHandle): void {
    const promote = (): void => {
      // Not once it exited: an exit still waiting for its output (a grandchild holding the
      // pipes, a slow disk) happened before start_secs, and counts so.
      if (this.child !== child || this.state !== 'starting' || child.exited) return;
      // Ready before start_secs: running, but the backoff resets only if it lasts (decide.ts stayedUp).
      if (this.uptimeMs! >= this.unit.startSecsMs) this.consecutiveFailures = 0;
      this.changeState('running', null); // starting -> running
    };
    // A timer may fire a little before the clock says start_secs passed: wait out the rest.
    const promoteAtStartSecs = (): void => {
      const left = this.child === child ? this.unit.startSecsMs - this.uptimeMs! : 0;
      if (left > 0) this.timer = setTimeout(promoteAtStartSecs, left);
      else promote();
    };
    if (this.unit.ready !== null && !this.isScheduled) {
      this.stopReadiness = this.host.watchReadiness(this, child, promote, (lastFailure) => {
        if (this.child !== child || this.state !== 'starting') return;
        this.reason = `not ready within ${this.unit.ready!.timeoutMs} ms${lastFailure === null ? '' : ` (${lastFailure})`}`;
        this.host.log('warn', `${this.reason}: stopping it as a failed start`, this.name);
        this.signalThenKill(child.pid);
      });
    } else if (this.unit.startSecsMs === 0 || this.isScheduled) promote();
    else this.timer = setTimeout(promoteAtStartSecs, this.unit.startSecsMs);
  }

  private armRunTimeout(child: ChildHandle, timeoutMs: number): void {
    this.timer = setTimeout(() => {
      if (this.child !== child) return;
      this.reason = `run killed after its timeout of ${timeoutMs} ms`;
      this.host.log('warn', this.reason, this.name);
      this.signalThenKill(child.pid);
    }, timeoutMs);
  }

  // A start that never produced a child counts as an exit before start_secs.
  private failStart(reason: string): void {
    this.reason = reason;
    this.host.log('error', `cannot start: ${reason}`, this.name);
    this.lastExit = { code: null, signal: null, at: this.host.now(), durationMs: 0 };
    if (this.isScheduled) return this.changeState('waiting', reason); // starting -> waiting
    this.applyDecision(this.decide({ code: null, signal: null, uptimeMs: 0, wasRunning: false }), reason);
  }

  private onChildExit(child: ChildHandle, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const now = this.host.now();
    const uptimeMs = now - (this.startedAt ?? now);
    const wasRunning = this.state === 'running';
    // Ready is not enough: a run shorter than start_secs is a failed start (and cannot have
    // been a daemon in the foreground).
    const held = stayedUp({ wasRunning, uptimeMs }, this.unit);
    this.clearTimer();
    this.stopReadiness?.();
    this.stopReadiness = null;
    this.child = null;
    this.pid = null;
    this.lastExit = { code, signal, at: now, durationMs: uptimeMs };
    this.host.childExited(this, child.pid, code, signal, uptimeMs);
    if (this.state === 'stopping') {
      if (held) this.consecutiveFailures = 0;
      this.changeState('stopped', null); // stopping -> stopped
      if (this.restartPending && this.wanted === 'up') {
        this.restartPending = false;
        if (this.isScheduled) this.changeState('waiting', null); // stopped -> waiting
        else this.spawnNow(); // stopped -> starting
      }
      return;
    }
    if (this.isScheduled) return this.changeState(this.wanted === 'up' ? 'waiting' : 'stopped', null); // starting|running -> waiting
    const leftover = !held && code === 0 && this.wanted === 'up' ? this.host.findLeftover(this, child) : null;
    if (leftover !== null) {
      // Respawning would start a second copy beside the one it left: give up and say why.
      this.reason = `it daemonized itself: exited at once with status 0, leaving pid ${leftover} running; run it in the foreground (no --daemon/fork option)`;
      this.host.log('error', this.reason, this.name);
      return this.changeState('fatal', this.reason); // starting -> fatal
    }
    // An exit before `running` (or ready, then gone within start_secs) is a failed start: its
    // reason says how, and what it last said,
    // unless supd already said why it ended it (not ready in time, a run's timeout).
    // (An on-failure program's success exit is no failure: it just ended.)
    const ended = this.unit.restart === 'on-failure' && isSuccessfulExit({ code, signal }, this.unit.successExitCodes);
    const failure = held || ended ? null : (this.reason ?? describeExit(code, signal, this.host.lastErrorLine?.(child) ?? execFailureHint(code)));
    this.applyDecision(this.decide({ code, signal, uptimeMs, wasRunning }), failure);
  }

  private decide(exit: ExitFacts): ExitDecision {
    const history = { consecutiveFailures: this.consecutiveFailures, respawnTimes: this.respawnTimes };
    return decideAfterExit(exit, this.wanted === 'up', this.unit, history, this.host.now(), this.host.random());
  }

  private applyDecision(decision: ExitDecision, reason: string | null): void {
    switch (decision.next) {
      case 'stopped':
        this.changeState('stopped', reason); // starting|running -> stopped (wanted down without a stop)
        return;
      case 'exited':
        this.reason = reason === null ? decision.reason : `${reason}; ${decision.reason}`;
        this.changeState('exited', this.reason); // starting|running -> exited
        return;
      case 'fatal':
        this.reason = reason === null ? decision.reason : `${reason}; ${decision.reason}`;
        this.host.log('error', `giving up: ${this.reason}`, this.name);
        this.changeState('fatal', this.reason); // starting|running -> fatal
        return;
      case 'starting':
        this.respawnTimes = recordRespawn(this.respawnTimes, this.host.now(), this.unit.restartWindowMs);
        this.consecutiveFailures = 0;
        this.spawnNow(); // running -> starting
        return;
      case 'backoff':
        this.respawnTimes = recordRespawn(this.respawnTimes, this.host.now(), this.unit.restartWindowMs);
        this.consecutiveFailures = decision.consecutiveFailures;
        this.reason = reason;
        this.changeState('backoff', reason); // starting|running -> backoff (running: ready, then gone before start_secs)
        this.host.log('info', `exited too soon (${decision.consecutiveFailures} in a row): next start in ${decision.delayMs} ms`, this.name);
        this.timer = setTimeout(() => {
          this.timer = null;
          if (this.state === 'backoff' && this.wanted === 'up') this.spawnNow(); // backoff -> starting
        }, decision.delayMs);
        return;
    }
  }

  private changeState(to: ProcessState, reason: string | null): void {
    const from = this.state;
    if (from === to) return;
    if (!isLegalTransition(from, to)) {
      throw new IllegalTransitionError(`${this.name}: illegal transition ${from} -> ${to}`);
    }
    this.state = to;
    if (to !== 'stopping' && to !== 'starting' && to !== 'running' && this.killTimer !== null) {
      clearTimeout(this.killTimer);
      this.killTimer = null;
    }
    this.host.stateChanged(this, from, to, reason);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** `exit 1: PermissionError: [Errno 13] Permission denied`, `killed by SIGSEGV`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null, lastLine: string | null): string {
  const how = signal !== null ? `killed by ${signal}` : `exit ${code}`;
  return lastLine === null ? how : `${how}: ${lastLine}`;
}
