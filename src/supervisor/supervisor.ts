// All processes by name: creates them from the config, applies commands to them (in depends_on
// order), scales, reloads and shuts everything down. The only writer of runtime state (through
// ManagedProcess). Orchestration only: logs, health checks and schedules follow its events and
// are wired in the composition root (compose.ts); the world its processes see comes from there.
import type { SupdConfig, SupervisorSpec, UnitSpec } from '../config/types.js';
import { SupdError } from '../errors.js';
import type { Logger } from '../logs/supd-log.js';
import { systemClock, type Clock } from '../process/clock.js';
import type { ManagedProcess, ProcessHost } from '../process/managed-process.js';
import { hasChild, type ProcessState } from '../process/states.js';
import type { HeldSockets } from '../sockets/held-sockets.js';
import { planStart, planStop, unitToScale } from './command-plan.js';
import { buildGraph, dependenciesOf, stopInOrder } from './dependencies.js';
import { DependencyGate } from './dependency-gate.js';
import { dependentsLeftDown, dependsNote, explainWait } from './explain.js';
import { SupervisorEmitter } from './events.js';
import type { HostSide } from './process-host.js';
import { ConfigReloads, type ReloadResult, type UnitPool } from './reload.js';
import { poolRestartTimeout, restartPool, rollingGroups } from './rolling.js';
import { StoppedWith } from './stopped-with.js';
import { ProcessTable } from './process-table.js';
import type { TargetMatch } from './targets.js';
import type { SupervisorControl, WaitFor } from './view.js';
import { actAndWait, START_DONE, START_FAILED, STOP_DONE, waitForStates, type WaitOutcome } from './wait.js';

export interface SupervisorDeps {
  readonly log: Logger;
  /** The world each process sees (children, cgroups, outputs), around the supervisor's side of it (process-host.ts). */
  host(side: HostSide): ProcessHost;
  /** The listening sockets held for the units (`sockets`): bound before a start or a reload applies. */
  readonly sockets: Pick<HeldSockets, 'bind' | 'setWanted'>;
  /** Time and timers for every process and wait (tests pass a fake clock). */
  readonly clock?: Clock;
  /** Applies [supervisor] settings that can change live (log level...) after a reload. */
  readonly applySettings?: (settings: SupervisorSpec) => void;
}

export type { ReloadResult } from './reload.js';

export class Supervisor implements SupervisorControl {
  readonly events = new SupervisorEmitter();
  readonly clock: Clock;
  readonly startedAt: number;
  private readonly config: ConfigReloads;
  private readonly table: ProcessTable;
  private readonly gate = new DependencyGate(() => this.list(), (name) => this.get(name));
  private readonly stoppedWith = new StoppedWith();
  /** What applying a reload's unit diffs (and a rolling restart) needs of this supervisor. */
  private readonly pool: UnitPool;
  private shuttingDown: Promise<void> | null = null;

  constructor(config: SupdConfig, private readonly deps: SupervisorDeps) {
    this.clock = deps.clock ?? systemClock;
    this.startedAt = this.now();
    const host = deps.host({ events: this.events, holdReason: (proc) => this.gate.holdReason(proc), onStateChanged: (proc, _from, to) => this.afterMove(proc, to) });
    this.table = new ProcessTable(config.units, host, this.events);
    const log = (level: 'info' | 'warn', message: string, name?: string): void => deps.log[level](message, name);
    this.pool = { ...this.table.poolPart(), events: this.events, clock: this.clock, log, scaleUnit: (unit, start, wait) => this.scaleUnit(unit, start, wait) };
    const settle = (order: readonly string[]): void => (this.table.reorder(order), this.gate.review());
    this.config = new ConfigReloads(config, { pool: this.pool, units: this.table.units, sockets: deps.sockets, log: deps.log, applySettings: deps.applySettings, settle });
  }

  get currentConfig(): SupdConfig {
    return this.config.current;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown !== null;
  }

  now(): number {
    return this.clock.now();
  }

  list(): ManagedProcess[] {
    return this.table.list();
  }

  get(name: string): ManagedProcess | undefined {
    return this.table.get(name);
  }

  /** Creates every process of the config and starts the autostart ones (in depends_on order). */
  startAll(): void {
    for (const unit of this.table.units.values()) for (let index = 0; index < unit.processes; index++) this.table.add(unit, index);
    for (const proc of this.list()) if (proc.unit.autostart) this.bringUp(proc);
  }

  resolveTargets(targets: readonly string[]): TargetMatch {
    return this.table.resolveTargets(targets);
  }

  /** Starts the processes (a scheduled one runs once now), first whatever they depend on, then
   * again the dependents that stopped with them. */
  async start(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]> {
    const graph = buildGraph(this.table.units.values());
    const plan = planStart(graph, this.table.find(names), this.list());
    for (const proc of plan.first) {
      this.deps.log.info(`starting it first: ${[...plan.programs].join(', ')} depends on ${proc.unit.program}`, proc.name);
      this.bringUp(proc);
    }
    const applied = this.act(names, (p) => this.gate.bringUp(p, 'start'), wait, START_DONE, START_FAILED, true);
    for (const name of names) this.stoppedWith.forget(name);
    for (const proc of this.stoppedWith.release([...plan.programs, ...plan.needed], (n) => this.get(n))) {
      this.deps.log.info(`starting it again with ${proc.unit.dependsOn.join(', ')}`, proc.name);
      this.bringUp(proc);
    }
    return [...(await applied), ...dependentsLeftDown(graph, plan.programs, this.list())];
  }

  /** Stops the processes, and first whatever depends on them; unrelated ones in parallel. */
  async stop(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]> {
    const graph = buildGraph(this.table.units.values());
    const targets = this.table.find(names);
    const { programs, whole, extra } = planStop(graph, targets, this.list());
    if (extra.length > 0) this.deps.log.info(`stopping ${[...new Set(extra.map((p) => p.unit.program))].join(', ')} first: they depend on ${whole.join(', ')}`);
    for (const proc of targets) this.stoppedWith.forget(proc.name);
    for (const proc of extra) this.stoppedWith.mark(proc.name, whole.filter((w) => dependenciesOf(graph, proc.unit.program).includes(w)));
    const all = [...extra, ...targets];
    const outcomes = new Map<string, WaitOutcome>();
    const done = stopInOrder(graph, [...new Set(all.map((p) => p.unit.program))], async (program) => {
      const group = all.filter((p) => p.unit.program === program).map((p) => p.name);
      for (const outcome of await this.act(group, (p) => p.stop(), { timeoutMs: wait?.timeoutMs ?? 3_600_000 }, STOP_DONE, [], true)) outcomes.set(outcome.name, outcome);
    });
    if (wait !== null) await done;
    const outcomeOf = (p: ManagedProcess): WaitOutcome => (wait === null ? undefined : outcomes.get(p.name)) ?? { name: p.name, ok: true, state: p.state };
    return [...extra.map((p) => ({ ...(outcomes.get(p.name) ?? outcomeOf(p)), note: dependsNote(graph, p, programs) })), ...targets.map(outcomeOf)];
  }

  /** Restarts the processes; a scheduled one between runs is re-armed (its next tick runs it), not run.
   * The copies of a rolling unit restart one at a time (rolling.ts), the rest at once. */
  async restart(names: readonly string[], wait: WaitFor): Promise<WaitOutcome[]> {
    const idle = this.table.find(names).filter((p) => p.isBetweenRuns);
    for (const proc of idle) this.gate.bringUp(proc, 'arm');
    const rest = this.table.find(names).filter((p) => !idle.includes(p));
    for (const proc of rest) this.events.emit('process:restart', { name: proc.name, reason: 'command' });
    const rolls = rollingGroups(this.table.units.values(), rest);
    const rolled = new Set(rolls.flatMap((r) => r.procs));
    const rolling = Promise.all(rolls.map((r) => restartPool(this.pool, r.procs, r.unit, poolRestartTimeout(r.unit))));
    if (wait === null) void rolling.catch((error: Error) => this.deps.log.error(`rolling restart failed: ${error.message}`));
    const outcomes = await this.act(rest.filter((p) => !rolled.has(p)).map((p) => p.name), (p) => p.restart(), wait, START_DONE, START_FAILED, false);
    const rolledOutcomes = wait === null ? [...rolled].map((p) => ({ name: p.name, ok: true, state: p.state })) : (await rolling).flat();
    return [...idle.map((p) => ({ name: p.name, ok: true, state: p.state })), ...outcomes, ...rolledOutcomes];
  }

  signal(names: readonly string[], signal: NodeJS.Signals, group = false): WaitOutcome[] {
    return this.table.find(names).map((proc) => {
      const ok = proc.sendSignal(signal, group);
      if (ok) this.deps.log.info(`sent ${signal}${group ? ' to every process' : ''}`, proc.name);
      return { name: proc.name, ok, state: proc.state, ...(ok ? {} : { message: 'no process to signal' }) };
    });
  }

  /** Changes a unit's process count at run time (until the next reload); the other copies keep running. */
  async scale(unitName: string, count: number, wait: WaitFor): Promise<{ line: string; outcomes: WaitOutcome[] }> {
    const unit = unitToScale(this.table.units, unitName);
    if (typeof unit === 'string') throw new SupdError('SUPD_E_NO_SUCH_PROCESS', unit);
    // As in the config (src/config/checks.ts): a job's runs never overlap, so it has one copy.
    if (unit.schedule !== null && count > 1) throw new SupdError('SUPD_E_USAGE', `${unitName} is a scheduled program: it runs one process at a time (scale it to 0 or 1)`);
    const line = `scaled ${unitName} ${unit.processes} -> ${count}`;
    this.deps.log.info(line);
    return { line, outcomes: await this.scaleUnit(Object.freeze({ ...unit, processes: count }), true, wait) };
  }

  /** Applies a new config: only what changed, one reload at a time (SPEC section 5, `supd reload`). */
  reload(next: SupdConfig): Promise<ReloadResult> {
    return this.config.reload(next);
  }

  /** What reload(next) would print, changing nothing (`supd reload --dry-run`). */
  previewReload(next: SupdConfig): ReloadResult {
    return this.config.preview(next);
  }

  /** A watched file changed (src/watch): restart the unit's wanted copies by its restart_strategy.
   * Not those held back by depends_on (`stopped`), nor a scheduled program (its next run starts afresh). */
  restartUnitForWatch(unitName: string, changedPath: string): Promise<WaitOutcome[]> {
    const unit = this.table.units.get(unitName);
    const up = this.table.copiesOf(unitName).filter((p) => p.wanted === 'up' && p.state !== 'stopped' && p.state !== 'waiting');
    if (unit === undefined || unit.schedule !== null || this.isShuttingDown || up.length === 0) {
      this.deps.log.debug(`watch: ${changedPath} changed; no process to restart`, unitName);
      return Promise.resolve([]);
    }
    for (const proc of up) proc.watchRestarts++;
    for (const proc of up) this.events.emit('process:restart', { name: proc.name, reason: 'watch' });
    return restartPool(this.pool, up, unit, poolRestartTimeout(unit));
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

  private async stopEverything(): Promise<void> {
    const timeoutMs = this.config.current.supervisor.shutdownTimeoutMs;
    this.deps.log.info(`shutting down: stopping ${this.list().filter((p) => hasChild(p.state)).length} processes`);
    await this.stop(this.list().map((p) => p.name), { timeoutMs });
    this.events.emit('shutdown:stopped');
    const left = this.list().filter((p) => p.pid !== null);
    if (left.length === 0) return;
    this.deps.log.warn(`shutdown_timeout (${timeoutMs} ms) passed: sending SIGKILL to ${left.map((p) => p.name).join(', ')}`);
    const waiting = waitForStates(this, left, { done: STOP_DONE, failed: [], timeoutMs: 5000 });
    for (const proc of left) proc.kill();
    await waiting.settle(true);
  }

  // Sets a unit's spec and count: new copies are added (and started when `start`), the
  // highest indices beyond the count are stopped and removed, the rest are untouched.
  private async scaleUnit(unit: UnitSpec, start: boolean, wait: WaitFor): Promise<WaitOutcome[]> {
    this.table.units.set(unit.name, unit);
    const current = this.table.copiesOf(unit.name);
    for (const proc of current) proc.unit = unit;
    const added = Array.from({ length: Math.max(0, unit.processes - current.length) }, (_, i) => this.table.add(unit, current.length + i));
    const removed = current.filter((p) => p.index >= unit.processes);
    for (const proc of removed) proc.retire();
    const stopping = removed.length === 0 ? [] : await this.stop(removed.map((p) => p.name), wait ?? { timeoutMs: unit.stopTimeoutMs + 5000 });
    for (const proc of removed) if (!hasChild(proc.state)) this.table.remove(proc);
    // A new scheduled copy waits for its first tick: only `supd start` runs one now.
    for (const proc of start ? added.filter((p) => p.isScheduled) : []) this.gate.bringUp(proc, 'arm');
    const toStart = start ? added.filter((p) => !p.isScheduled) : [];
    const starting = toStart.length > 0 ? await this.start(toStart.map((p) => p.name), wait) : [];
    return [...stopping, ...starting];
  }

  private act(names: readonly string[], action: (proc: ManagedProcess) => void, wait: WaitFor, done: readonly ProcessState[], failed: readonly ProcessState[], currentCounts: boolean): Promise<WaitOutcome[]> {
    const describe = (p: ManagedProcess): string => explainWait(p, this.list(), this.now());
    return actAndWait(this, this.table.find(names), action, wait, { done, failed, currentCounts, describe });
  }

  // A process came up, or a dependency failed: release or re-explain whatever depends_on holds back.
  // A copy retired by a scale-down leaves the table once its child is gone.
  private afterMove(proc: ManagedProcess, to: ProcessState): void {
    if (proc.retired && !hasChild(to)) this.table.remove(proc);
    if ((to === 'running' || to === 'waiting' || to === 'fatal') && !this.gate.isEmpty) this.gate.review();
  }

  private bringUp(proc: ManagedProcess): void {
    this.gate.bringUp(proc, proc.isScheduled ? 'arm' : 'start');
  }
}
