// One supervised process: owns its child and carries out what the pure lifecycle (lifecycle.ts)
// decides. Commands, the child's exit, answers and timers become events; each step's effects
// are done here through the ProcessHost (spawner, clock, hooks, readiness, events).
import type { UnitSpec } from '../config/types.js';
import { unitForCopy } from '../config/per-copy.js';
import { INITIAL, isBetweenRuns, REVIVING, needsLeftoverCheck, step, tickAnswer, type Effect, type LastExit, type LifecycleEvent, type Snapshot, type StepContext, type TimerName } from './lifecycle.js';
import type { ProcessHost } from './lifecycle-host.js';
import { spawnRequestFor } from './spawn-request.js';
import type { ChildHandle, SpawnResult } from './spawner.js';
import type { ProcessState } from './states.js';

export type { LastExit } from './lifecycle.js';
export type { ProcessHost } from './lifecycle-host.js';

export class ManagedProcess {
  readonly name: string;
  readonly index: number;
  /** Restarts because a watched file changed (src/watch), counted by the supervisor. */
  watchRestarts = 0;
  /** This copy's unit: per-copy values (`{index}`...) filled in, whatever unit is assigned. */
  private copy!: UnitSpec;
  private snap: Snapshot = INITIAL;
  private child: ChildHandle | null = null;
  /** The armed timers' cancel functions; null when none is armed (most of a process's life). */
  private timers: Map<TimerName, () => void> | null = null;
  private stopReadiness: (() => void) | null = null;
  /** Set by retire: from then on only stops and what the child does get through. */
  retired = false;

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

  get state(): ProcessState {
    return this.snap.state;
  }

  /** Up while a restart waits for its child to stop. */
  get wanted(): 'up' | 'down' {
    return this.snap.wanted === 'down' ? 'down' : 'up';
  }

  get pid(): number | null {
    return this.snap.pid;
  }

  /** Asked for and not answered yet: no pid yet, but a child is coming. */
  get spawning(): boolean {
    return this.snap.spawning;
  }

  get startedAt(): number | null {
    return this.snap.startedAt;
  }

  /** Every start after the first, whatever the cause. */
  get restarts(): number {
    return this.snap.restarts;
  }

  get lastExit(): LastExit | null {
    return this.snap.lastExit;
  }

  /** Why the process is where it is, when that is not obvious (a failed start, fatal, held back). */
  get reason(): string | null {
    return this.snap.reason;
  }

  /** The supervisor's own word on it (its output was lost). */
  set reason(reason: string | null) {
    this.snap = { ...this.snap, reason };
  }

  get isScheduled(): boolean {
    return this.unit.schedule !== null;
  }

  /** A scheduled program with no run going: a restart re-arms it, never runs it (only `start` does). */
  get isBetweenRuns(): boolean {
    return isBetweenRuns(this.snap, this);
  }

  get uptimeMs(): number | null {
    return this.startedAt === null || this.pid === null ? null : this.host.now() - this.startedAt;
  }

  /** Want it up; spawn now unless a child is already there (a scheduled program: run once now). */
  start(): void {
    this.dispatch({ type: 'start' });
  }

  /** Want it down: stop signal now, SIGKILL after stop_timeout. */
  stop(): void {
    this.dispatch({ type: 'stop' });
  }

  /** Beyond its unit's count after a reload: stopped, and no command or dependency starts it again. */
  retire(): void {
    this.retired = true;
    this.stop();
  }

  /** Stop the child if there is one, then start again (with the current unit spec); a scheduled one waits for its next tick. */
  restart(): void {
    this.dispatch({ type: 'restart' });
  }

  /** A scheduled program: want it up and wait for its next tick. */
  arm(): void {
    this.dispatch({ type: 'arm' });
  }

  /** A scheduler tick: run now unless a run is still going (never two at once). */
  tick(): 'started' | 'busy' | 'not-wanted' {
    const answer = tickAnswer(this.snap);
    this.dispatch({ type: 'tick' });
    return answer;
  }

  /** Hold a wanted process back (depends_on): stays `stopped` with a reason until released. */
  holdBack(reason: string): void {
    this.dispatch({ type: 'hold', reason });
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

  // One step of the lifecycle: the new snapshot first (what callbacks see), then its effects in order.
  private dispatch(event: LifecycleEvent): void {
    if (this.retired && REVIVING.has(event.type)) return;
    const { state, effects } = step(this.snap, event, this.context());
    this.snap = state;
    for (const effect of effects) this.carryOut(effect);
  }

  private context(): StepContext {
    return { now: this.host.now(), unit: this.unit, random: this.host.random(), childGone: this.child === null || this.child.exited };
  }

  private carryOut(effect: Effect): void {
    switch (effect.kind) {
      case 'check-hold':
        return this.dispatch({ type: 'hold-answered', reason: this.host.holdReason(this) });
      case 'before-start':
        return void this.host.beforeStart(this).then((refusal) => this.dispatch({ type: 'before-start-answered', attempt: effect.attempt, refusal }));
      case 'spawn':
        return this.launch();
      case 'child-started':
        return this.childStarted(this.child!);
      case 'watch-ready':
        return this.watchReady(this.child!, effect.attempt);
      case 'unwatch-ready':
        this.stopReadiness?.();
        return void (this.stopReadiness = null);
      case 'child-exited':
        return this.host.childExited(this, effect.pid, effect.code, effect.signal, effect.uptimeMs);
      case 'signal':
        return void this.host.signal(this, effect.pid, effect.signal, effect.to);
      case 'arm':
        return this.armTimer(effect.timer, effect.delayMs, effect.attempt);
      case 'cancel':
        return this.cancelTimer(effect.timer);
      case 'state':
        return this.host.stateChanged(this, effect.from, effect.to, effect.reason);
      case 'log':
        return this.host.log(effect.level, effect.message, this.name);
      case 'then':
        return this.dispatch(effect.event);
    }
  }

  private armTimer(name: TimerName, delayMs: number, attempt: number): void {
    this.cancelTimer(name);
    const cancel = this.host.schedule(() => {
      if (this.timers?.get(name) !== cancel) return;
      this.forgetTimer(name);
      this.dispatch({ type: 'timer', name, attempt });
    }, delayMs);
    (this.timers ??= new Map()).set(name, cancel);
  }

  private cancelTimer(name: TimerName): void {
    this.timers?.get(name)?.();
    this.forgetTimer(name);
  }

  private forgetTimer(name: TimerName): void {
    if (this.timers === null) return;
    this.timers.delete(name);
    if (this.timers.size === 0) this.timers = null;
  }

  // The spawn: its request from the unit, then the host's spawner, whose answer may come later
  // (the spawn helper): the lifecycle is `spawning` until then.
  private launch(): void {
    const made = spawnRequestFor(this.unit, this.index, this.host);
    if (!made.ok) return this.dispatch({ type: 'spawn-failed', reason: made.reason });
    const spawning = this.host.spawn(this, made.request);
    if (spawning instanceof Promise) void spawning.then((result) => this.spawnAnswered(result));
    else this.spawnAnswered(spawning);
  }

  private spawnAnswered(result: SpawnResult): void {
    if (!result.ok) return this.dispatch({ type: 'spawn-failed', reason: result.reason });
    this.child = result.child;
    this.dispatch({ type: 'spawned', pid: result.child.pid });
  }

  private childStarted(child: ChildHandle): void {
    this.host.attachOutput(this, child);
    this.host.childStarted(this, child.pid, child.startTime);
    child.onExit((code, signal) => this.onChildExit(child, code, signal));
  }

  private watchReady(child: ChildHandle, attempt: number): void {
    const ready = (): void => this.dispatch({ type: 'ready', attempt });
    const timedOut = (lastFailure: string | null): void => this.dispatch({ type: 'not-ready', attempt, lastFailure });
    this.stopReadiness = this.host.watchReadiness(this, child, ready, timedOut);
  }

  private onChildExit(child: ChildHandle, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const ctx = this.context();
    const leftover = needsLeftoverCheck(this.snap, code, ctx) ? this.host.findLeftover(this, child) : null;
    const lastLine = this.host.lastErrorLine?.(child) ?? null;
    this.child = null;
    this.dispatch({ type: 'exited', code, signal, leftover, lastLine });
  }
}
