// All processes by name: creates them from the config, applies commands to them, scales,
// and shuts everything down. The only writer of runtime state (through ManagedProcess).
import { diffConfigs } from '../config/diff.js';
import type { SupdConfig, SupervisorSpec, UnitSpec } from '../config/types.js';
import { SupdError } from '../errors.js';
import type { ConsoleOutput } from '../logs/console.js';
import { createProcessOutput, type ProcessOutput } from '../logs/process-output.js';
import type { Logger } from '../logs/supd-log.js';
import { systemClock, type Clock } from '../process/clock.js';
import type { CopyTracker } from '../process/copy-tracker.js';
import type { Guardian } from '../process/guardian.js';
import { ManagedProcess, type ProcessHost } from '../process/managed-process.js';
import { hasChild, type ProcessState } from '../process/states.js';
import { Scheduler } from '../schedule/scheduler.js';
import { HeldSockets } from '../sockets/held-sockets.js';
import type { ChildRegistry } from './child-registry.js';
import { buildGraph, dependenciesOf, dependentsOf, stopInOrder } from './dependencies.js';
import { DependencyGate } from './dependency-gate.js';
import { StoppedWith } from './stopped-with.js';
import { dependentsLeftDown, dependsNote, explainWait } from './explain.js';
import { SupervisorEmitter } from './events.js';
import { ProcessHealth } from './process-health.js';
import { createProcessHost } from './process-host.js';
import { runProcessHook } from './process-hooks.js';
import { applyUnitDiff, previewUnitDiff, type UnitPool } from './reload.js';
import { poolRestartTimeout, restartPool } from './rolling.js';
import { matchTargets, type TargetMatch } from './targets.js';
import { waitForStates, type WaitOutcome } from './wait.js';

export interface SupervisorDeps {
  readonly log: Logger;
  readonly guardian: Guardian;
  readonly registry: ChildRegistry;
  /** Every process of each copy: its cgroup, or its process group and session. */
  readonly tracker: CopyTracker;
  /** supd's environment as it was at start: the base of every child's. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Time and timers for every process (tests pass a fake clock). */
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Applies [supervisor] settings that can change live (log level...) after a reload. */
  readonly applySettings?: (settings: SupervisorSpec) => void;
  /** Where the lines of stdout/stderr = "console" go (supd's stdout); none: they are dropped. */
  readonly console?: ConsoleOutput | null;
}

export interface ReloadResult {
  /** One line per unit: `added web`, `removed old`, `changed app.mailer (restarted 3)`, `scaled web 2 -> 4`, `unchanged api`. */
  readonly lines: readonly string[];
  /** [supervisor] keys that changed but cannot apply while supd runs. */
  readonly refused: readonly string[];
}

const START_DONE: readonly ProcessState[] = ['running', 'waiting'];
const START_FAILED: readonly ProcessState[] = ['backoff', 'fatal', 'exited'];
const STOP_DONE: readonly ProcessState[] = ['stopped', 'exited', 'fatal'];

export class Supervisor {
  readonly events = new SupervisorEmitter();
  readonly startedAt: number;
  private config: SupdConfig;
  private readonly units = new Map<string, UnitSpec>();
  private readonly processes = new Map<string, ManagedProcess>();
  private readonly outputs = new Map<string, ProcessOutput>();
  private readonly host: ProcessHost;
  private shuttingDown: Promise<void> | null = null;
  /** Reloads apply one after another, never interleaved. */
  private reloading: Promise<unknown> = Promise.resolve();
  private readonly gate: DependencyGate;
  /** What applying a reload's unit diffs needs of this supervisor. */
  private readonly pool: UnitPool;
  private readonly health: ProcessHealth;
  private readonly scheduler: Scheduler;
  private readonly stoppedWith = new StoppedWith();
  /** Listening sockets held for the units (`sockets`). */
  private readonly sockets: HeldSockets;

  private readonly clock: Clock;

  constructor(config: SupdConfig, private readonly deps: SupervisorDeps) {
    this.clock = deps.clock ?? systemClock;
    this.config = config;
    this.startedAt = this.now();
    this.sockets = new HeldSockets((level, message) => deps.log[level](message));
    this.host = createProcessHost({
      ...deps,
      events: this.events,
      sockets: this.sockets,
      clock: this.clock,
      random: deps.random ?? Math.random,
      outputOf: (name) => this.outputs.get(name),
      onStateChanged: (proc, from, to) => this.onStateChanged(proc, from, to),
      holdReason: (proc) => this.gate.holdReason(proc),
    });
    this.gate = new DependencyGate(() => this.list(), (name) => this.processes.get(name));
    this.pool = {
      events: this.events,
      list: () => this.list(),
      setUnit: (unit) => this.units.set(unit.name, unit),
      deleteUnit: (name) => this.units.delete(name),
      scaleUnit: (unit, start, wait) => this.scaleUnit(unit, start, wait),
      replaceOutput: (proc) => this.replaceOutput(proc),
      addSurge: (unit) => this.addProcess(unit, Math.max(unit.processes, ...this.list().filter((p) => p.unit.name === unit.name).map((p) => p.index + 1))),
      removeSurge: (proc) => {
        if (!hasChild(proc.state)) this.removeProcess(proc);
      },
      log: (level, message, name) => deps.log[level](message, name),
    };
    for (const unit of config.units) this.units.set(unit.name, unit);
    this.scheduler = new Scheduler(deps.log);
    this.health = new ProcessHealth(deps.log, this.events, (name) => this.processes.get(name), deps.baseEnv, () => this.now());
  }

  get currentConfig(): SupdConfig {
    return this.config;
  }

  now(): number {
    return this.clock.now();
  }

  /** Binds the sockets the config names (before startAll): a failure names each program and address. */
  async bindSockets(): Promise<void> {
    await this.sockets.bind(this.config.units, this.config.file);
    this.sockets.setWanted(this.config.units);
  }

  /** Creates every process of the config and starts the autostart ones (in depends_on order). */
  startAll(): void {
    for (const unit of this.units.values()) {
      for (let index = 0; index < unit.processes; index++) this.addProcess(unit, index);
    }
    for (const proc of this.list()) if (proc.unit.autostart) this.gate.bringUp(proc, proc.isScheduled ? 'arm' : 'start');
    this.scheduler.sync(this.list());
    this.health.watchMemory(() => this.list());
  }

  healthOf(name: string): boolean | null {
    return this.health.healthOf(name);
  }

  nextRunOf(name: string): Date | null {
    return this.scheduler.nextRun(name);
  }

  list(): ManagedProcess[] {
    return [...this.processes.values()];
  }

  get(name: string): ManagedProcess | undefined {
    return this.processes.get(name);
  }

  resolveTargets(targets: readonly string[]): TargetMatch {
    const procs = this.list().map((p) => ({ name: p.name, unit: p.unit.name, program: p.unit.program }));
    return matchTargets(targets, procs, [...this.units.values()]);
  }

  /** Starts the processes (a scheduled one runs once now), first whatever they depend on, then
   * again the dependents that stopped with them. */
  async start(names: readonly string[], wait: { timeoutMs: number } | null): Promise<WaitOutcome[]> {
    const graph = buildGraph(this.units.values());
    const programs = new Set(names.map((n) => this.processes.get(n)?.unit.program));
    const needed = [...programs].flatMap((p) => (p === undefined ? [] : dependenciesOf(graph, p))).filter((p) => !programs.has(p));
    for (const proc of this.list()) {
      if (!needed.includes(proc.unit.program) || proc.wanted === 'up') continue;
      this.deps.log.info(`starting it first: ${[...programs].join(', ')} depends on ${proc.unit.program}`, proc.name);
      this.gate.bringUp(proc, proc.isScheduled ? 'arm' : 'start');
    }
    const applied = this.apply(names, (p) => this.gate.bringUp(p, 'start'), wait, START_DONE, START_FAILED, true);
    for (const name of names) this.stoppedWith.forget(name);
    for (const proc of this.stoppedWith.release([...programs, ...needed].filter((p): p is string => p !== undefined), (n) => this.processes.get(n))) {
      this.deps.log.info(`starting it again with ${proc.unit.dependsOn.join(', ')}`, proc.name);
      this.gate.bringUp(proc, proc.isScheduled ? 'arm' : 'start');
    }
    const outcomes = await applied;
    const started = new Set([...programs].filter((p): p is string => p !== undefined));
    return [...outcomes, ...dependentsLeftDown(graph, started, this.list())];
  }

  /** Stops the processes, and first whatever depends on them; unrelated ones in parallel. */
  async stop(names: readonly string[], wait: { timeoutMs: number } | null): Promise<WaitOutcome[]> {
    const graph = buildGraph(this.units.values());
    const targets = names.map((n) => this.processes.get(n)).filter((p): p is ManagedProcess => p !== undefined);
    const programs = new Set(targets.map((p) => p.unit.program));
    // Dependents stop only with the whole of a program: no copy of it left wanted up.
    const stopping = new Set(targets.map((p) => p.name));
    const whole = [...programs].filter((program) => this.list().every((p) => p.unit.program !== program || stopping.has(p.name) || p.wanted === 'down'));
    const dependents = whole.flatMap((p) => dependentsOf(graph, p)).filter((p) => !programs.has(p));
    const extra = this.list().filter((p) => dependents.includes(p.unit.program) && p.wanted === 'up');
    if (extra.length > 0) this.deps.log.info(`stopping ${[...new Set(extra.map((p) => p.unit.program))].join(', ')} first: they depend on ${whole.join(', ')}`);
    for (const proc of targets) this.stoppedWith.forget(proc.name);
    for (const proc of extra) this.stoppedWith.mark(proc.name, whole.filter((w) => dependenciesOf(graph, proc.unit.program).includes(w)));
    const all = [...extra, ...targets];
    const outcomes = new Map<string, WaitOutcome>();
    const timeoutMs = wait?.timeoutMs ?? 3_600_000;
    const done = stopInOrder(graph, [...new Set(all.map((p) => p.unit.program))], async (program) => {
      const group = all.filter((p) => p.unit.program === program).map((p) => p.name);
      for (const outcome of await this.apply(group, (p) => p.stop(), { timeoutMs }, STOP_DONE, [], true)) outcomes.set(outcome.name, outcome);
    });
    const stoppedToo = (): WaitOutcome[] => extra.map((p) => ({ ...(outcomes.get(p.name) ?? { name: p.name, ok: true, state: p.state }), note: dependsNote(graph, p, programs) }));
    if (wait === null) return [...stoppedToo(), ...targets.map((p) => ({ name: p.name, ok: true, state: p.state }))];
    await done;
    return [...stoppedToo(), ...targets.map((p) => outcomes.get(p.name) ?? { name: p.name, ok: true, state: p.state })];
  }

  /** Restarts the processes; a scheduled one between runs is re-armed (its next tick runs it), not run.
   * The copies of a rolling unit restart one at a time (rolling.ts), the rest at once. */
  async restart(names: readonly string[], wait: { timeoutMs: number } | null): Promise<WaitOutcome[]> {
    const idle = names.map((n) => this.processes.get(n)).filter((p): p is ManagedProcess => p?.isBetweenRuns === true);
    for (const proc of idle) this.gate.bringUp(proc, 'arm');
    const rest = names.filter((n) => !idle.some((p) => p.name === n));
    for (const name of rest) this.events.emit('process:restart', { name, reason: 'command' });
    const rolls = [...this.units.values()]
      .filter((u) => u.restartStrategy === 'rolling')
      .map((unit) => ({ unit, procs: rest.map((n) => this.processes.get(n)!).filter((p) => p.unit.name === unit.name) }))
      .filter((r) => r.procs.length > 1 || (r.procs.length === 1 && r.unit.sockets.length > 0));
    const rolled = new Set(rolls.flatMap((r) => r.procs.map((p) => p.name)));
    const rolling = Promise.all(rolls.map((r) => restartPool(this.pool, r.procs, r.unit, poolRestartTimeout(r.unit))));
    if (wait === null) void rolling.catch((error: Error) => this.deps.log.error(`rolling restart failed: ${error.message}`));
    const outcomes = await this.apply(rest.filter((n) => !rolled.has(n)), (p) => p.restart(), wait, START_DONE, START_FAILED, false);
    const rolledOutcomes = wait === null ? [...rolled].map((n) => ({ name: n, ok: true, state: this.processes.get(n)!.state })) : (await rolling).flat();
    return [...idle.map((p) => ({ name: p.name, ok: true, state: p.state })), ...outcomes, ...rolledOutcomes];
  }

  signal(names: readonly string[], signal: NodeJS.Signals, group = false): WaitOutcome[] {
    return names.map((name) => {
      const proc = this.processes.get(name)!;
      const ok = proc.sendSignal(signal, group);
      if (ok) this.deps.log.info(`sent ${signal}${group ? ' to every process' : ''}`, name);
      return { name, ok, state: proc.state, ...(ok ? {} : { message: 'no process to signal' }) };
    });
  }

  private async apply(
    names: readonly string[],
    action: (proc: ManagedProcess) => void,
    wait: { timeoutMs: number } | null,
    done: readonly ProcessState[],
    failed: readonly ProcessState[],
    currentCounts: boolean,
  ): Promise<WaitOutcome[]> {
    const procs = names.map((n) => this.processes.get(n)).filter((p): p is ManagedProcess => p !== undefined);
    const describe = (p: ManagedProcess): string => explainWait(p, this.list(), this.now());
    const waiting = wait === null ? null : waitForStates(this.events, procs, { done, failed, currentCounts: false, timeoutMs: wait.timeoutMs, describe });
    for (const proc of procs) action(proc);
    if (waiting === null) return procs.map((p) => ({ name: p.name, ok: true, state: p.state }));
    return waiting.settle(currentCounts);
  }

  /** Changes a unit's process count at run time (until the next reload); the other copies keep running. */
  async scale(unitName: string, count: number, wait: { timeoutMs: number } | null): Promise<{ line: string; outcomes: WaitOutcome[] }> {
    const unit = this.units.get(unitName);
    if (unit === undefined) {
      const methods = [...this.units.values()].filter((u) => u.program === unitName).map((u) => u.name);
      const hint = methods.length > 0 ? `: ${unitName} has methods, scale one of ${methods.join(', ')}` : '';
      throw new SupdError('SUPD_E_NO_SUCH_PROCESS', `no program or method named ${unitName}${hint}`);
    }
    const line = `scaled ${unitName} ${unit.processes} -> ${count}`;
    this.deps.log.info(line);
    const outcomes = await this.scaleUnit(Object.freeze({ ...unit, processes: count }), true, wait);
    return { line, outcomes };
  }

  /** A process's log files, for `supd logs`. */
  outputOf(name: string): ProcessOutput | undefined {
    return this.outputs.get(name);
  }

  // Sets a unit's spec and count: new copies are added (and started when `start`), the
  // highest indices beyond the count are stopped and removed, the rest are untouched.
  private async scaleUnit(unit: UnitSpec, start: boolean, wait: { timeoutMs: number } | null): Promise<WaitOutcome[]> {
    this.units.set(unit.name, unit);
    const current = this.list().filter((p) => p.unit.name === unit.name);
    for (const proc of current) proc.unit = unit;
    const added = Array.from({ length: Math.max(0, unit.processes - current.length) }, (_, i) => this.addProcess(unit, current.length + i));
    const removed = current.filter((p) => p.index >= unit.processes);
    const stopping = removed.length === 0 ? [] : await this.stop(removed.map((p) => p.name), wait ?? { timeoutMs: unit.stopTimeoutMs + 5000 });
    for (const proc of removed) if (!hasChild(proc.state)) this.removeProcess(proc);
    // A new scheduled copy waits for its first tick: only `supd start` runs one now.
    const armed = start ? added.filter((p) => p.isScheduled) : [];
    for (const proc of armed) this.gate.bringUp(proc, 'arm');
    const toStart = start ? added.filter((p) => !p.isScheduled) : [];
    const starting = toStart.length > 0 ? await this.start(toStart.map((p) => p.name), wait) : [];
    return [...stopping, ...starting];
  }

  /** Applies a new config: only what changed, one reload at a time (SPEC section 5, `supd reload`). */
  reload(next: SupdConfig): Promise<ReloadResult> {
    const applying = this.reloading.then(() => this.applyReload(next));
    this.reloading = applying.catch(() => undefined);
    return applying;
  }

  /** What reload(next) would print, changing nothing (`supd reload --dry-run`). */
  previewReload(next: SupdConfig): ReloadResult {
    const diff = diffConfigs([...this.units.values()], this.config.supervisor, next);
    return { lines: diff.units.map((d) => previewUnitDiff(d, this.list())), refused: diff.refused };
  }

  private async applyReload(next: SupdConfig): Promise<ReloadResult> {
    try {
      await this.sockets.bind(next.units, next.file);
    } catch (error) {
      const message = 'reload refused, nothing changed: a socket cannot be bound';
      const issues = [{ file: next.file, message }, ...((error as SupdError).issues ?? [])];
      const refusal = new SupdError('SUPD_E_RELOAD_REFUSED', `${message}: ${(error as Error).message}`, { issues, cause: error });
      this.deps.log.error(refusal.message);
      throw refusal;
    }
    try {
      return await this.applyBoundReload(next);
    } finally {
      this.sockets.setWanted([...this.units.values()]);
    }
  }

  private async applyBoundReload(next: SupdConfig): Promise<ReloadResult> {
    const old = this.config.supervisor;
    const diff = diffConfigs([...this.units.values()], old, next);
    // What cannot change under a running supd keeps its old value; the rest applies.
    this.config = Object.freeze({ ...next, supervisor: Object.freeze({ ...next.supervisor, stateDir: old.stateDir, socket: old.socket, pidfile: old.pidfile, socketGroup: old.socketGroup, socketMode: old.socketMode }) });
    if (diff.supervisorChanged) this.deps.applySettings?.(this.config.supervisor);
    const lines = await Promise.all(diff.units.map((d) => applyUnitDiff(d, this.pool)));
    this.reorder(next.units.map((u) => u.name));
    this.scheduler.sync(this.list());
    for (const d of diff.units) if (d.live) for (const proc of this.list()) if (proc.unit.name === d.name && proc.state === 'running') this.health.checkWhileRunning(proc);
    this.gate.review();
    for (const line of lines) this.deps.log.info(`reload: ${line}`);
    for (const key of diff.refused) this.deps.log.warn(`reload: ${key} cannot change while supd runs; restart supd to apply it`);
    this.events.emit('config:reloaded', { lines });
    return { lines, refused: diff.refused };
  }

  /** A watched file changed (src/watch): restart the unit's wanted copies by its restart_strategy.
   * Not those held back by depends_on (`stopped`), nor a scheduled program (its next run starts afresh). */
  restartUnitForWatch(unitName: string, changedPath: string): Promise<WaitOutcome[]> {
    const unit = this.units.get(unitName);
    const up = this.list().filter((p) => p.unit.name === unitName && p.wanted === 'up' && p.state !== 'stopped' && p.state !== 'waiting');
    if (unit === undefined || unit.schedule !== null || this.isShuttingDown || up.length === 0) {
      this.deps.log.debug(`watch: ${changedPath} changed; no process to restart`, unitName);
      return Promise.resolve([]);
    }
    for (const proc of up) proc.watchRestarts++;
    for (const proc of up) this.events.emit('process:restart', { name: proc.name, reason: 'watch' });
    return restartPool(this.pool, up, unit, poolRestartTimeout(unit));
  }

  // Log settings changed: new files for the process, the running child's pipes moved over.
  private replaceOutput(proc: ManagedProcess): void {
    const old = this.outputs.get(proc.name);
    const next = createProcessOutput(proc.unit, proc.index, (m) => this.onLogError(proc, m), this.deps.console);
    const attached = old?.detach() ?? null;
    if (attached !== null) next.adopt(attached);
    this.outputs.set(proc.name, next);
    void old?.close();
  }

  // Keeps status in config order after units were added or removed.
  private reorder(unitOrder: readonly string[]): void {
    const rank = new Map(unitOrder.map((name, i) => [name, i]));
    const sorted = this.list().sort((a, b) => (rank.get(a.unit.name) ?? 0) - (rank.get(b.unit.name) ?? 0) || a.index - b.index);
    this.processes.clear();
    for (const proc of sorted) this.processes.set(proc.name, proc);
  }

  /** SIGUSR2: reopen every log file (an outside logrotate moved them). */
  reopenLogs(): void {
    for (const output of this.outputs.values()) output.reopen();
  }

  /** Stops every process in parallel; whatever is left after shutdown_timeout gets SIGKILL. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.stopEverything();
    return this.shuttingDown;
  }

  /** A third stop signal during shutdown: SIGKILL to every process still there (the shutdown then ends). */
  killAll(): void {
    for (const proc of this.list()) proc.kill();
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown !== null;
  }

  private async stopEverything(): Promise<void> {
    const timeoutMs = this.config.supervisor.shutdownTimeoutMs;
    this.deps.log.info(`shutting down: stopping ${this.list().filter((p) => hasChild(p.state)).length} processes`);
    const outcomes = await this.stop(this.list().map((p) => p.name), { timeoutMs });
    this.scheduler.stopAll();
    this.health.close();
    const left = this.list().filter((p) => p.pid !== null);
    void outcomes;
    if (left.length > 0) {
      this.deps.log.warn(`shutdown_timeout (${timeoutMs} ms) passed: sending SIGKILL to ${left.map((p) => p.name).join(', ')}`);
      const waiting = waitForStates(this.events, left, { done: STOP_DONE, failed: [], currentCounts: true, timeoutMs: 5000 });
      for (const proc of left) proc.kill();
      await waiting.settle(true);
    }
    await Promise.all([...this.outputs.values()].map((o) => o.close()));
    this.sockets.closeAll();
    this.deps.log.info('all processes stopped');
  }

  // What follows a move: hooks, health checks, held-back dependents.
  private onStateChanged(proc: ManagedProcess, from: ProcessState, to: ProcessState): void {
    if (from === 'running') this.health.stopChecking(proc.name);
    if (to === 'running') {
      this.health.checkWhileRunning(proc);
      void runProcessHook(proc, 'after_start', { pid: proc.pid, code: null, signal: null }, this.deps.log, this.deps.baseEnv);
    }
    if (to === 'fatal') {
      const exit = proc.lastExit;
      void runProcessHook(proc, 'on_fatal', { pid: null, code: exit?.code ?? null, signal: exit?.signal ?? null }, this.deps.log, this.deps.baseEnv);
    }
    if ((to === 'running' || to === 'waiting' || to === 'fatal') && !this.gate.isEmpty) this.gate.review();
  }

  private addProcess(unit: UnitSpec, index: number): ManagedProcess {
    const proc = new ManagedProcess(unit, index, this.host);
    this.processes.set(proc.name, proc);
    this.outputs.set(proc.name, createProcessOutput(proc.unit, proc.index, (m) => this.onLogError(proc, m), this.deps.console));
    return proc;
  }

  // Output being lost is never silent: supd.log, the process's reason in status, an alert event.
  private onLogError(proc: ManagedProcess, message: string): void {
    this.deps.log.error(message, proc.name);
    proc.reason = `output lost: ${message}`;
    this.events.emit('process:log-error', { name: proc.name, message });
  }

  private removeProcess(proc: ManagedProcess): void {
    this.processes.delete(proc.name);
    void this.outputs.get(proc.name)?.close();
    this.outputs.delete(proc.name);
    this.events.emit('process:removed', { name: proc.name });
  }
}
