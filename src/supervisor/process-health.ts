// Keeping running processes healthy: health checks while a process runs (restart after
// `retries` failures) and the max_memory watch (restart past the limit), both logged and evented.
// Follows the supervisor's events: checks start when a process runs, stop when it leaves
// `running`, restart with the new spec when a reload changes it live, end at shutdown.
import { formatSize } from '../config/units.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { watchMemory } from '../health/memory-watch.js';
import type { Logger } from '../logs/supd-log.js';
import type { ManagedProcess } from '../process/managed-process.js';
import { requestAsProgram } from '../process/run-as.js';
import type { SpawnRequest } from '../process/spawner.js';
import type { SupervisorEmitter } from './events.js';

export class ProcessHealth {
  private readonly monitor: HealthMonitor;
  private stopMemoryWatch: (() => void) | null = null;

  constructor(
    private readonly log: Logger,
    private readonly events: SupervisorEmitter,
    private readonly find: (name: string) => ManagedProcess | undefined,
    private readonly list: () => readonly ManagedProcess[],
    private readonly baseEnv: Readonly<Record<string, string | undefined>>,
    now: () => number,
  ) {
    this.monitor = new HealthMonitor(
      {
        changed: (name, healthy, reason) => {
          this.log[healthy ? 'info' : 'warn'](healthy ? 'healthy' : `unhealthy: ${reason ?? ''}`, name);
          this.events.emit('process:health', { name, healthy, reason });
        },
        unhealthy: (name, reason) => {
          const proc = this.find(name);
          if (proc === undefined || proc.state !== 'running') return;
          this.log.warn(`restarting: ${proc.unit.health!.retries} health checks failed in a row (${reason})`, name);
          this.events.emit('process:restart', { name, reason: 'health' });
          proc.restart();
        },
      },
      now,
    );
    this.follow();
  }

  private follow(): void {
    this.events.on('process:state', ({ name, from, to }) => {
      if (from === 'running') this.stopChecking(name);
      const proc = to === 'running' ? this.find(name) : undefined;
      if (proc !== undefined) this.checkWhileRunning(proc);
    });
    this.events.on('config:reloaded', ({ live }) => {
      for (const proc of this.list()) if (live.includes(proc.unit.name) && proc.state === 'running') this.checkWhileRunning(proc);
    });
    this.events.on('shutdown:stopped', () => this.close());
  }

  /** Starts the memory watch over the processes. */
  watchMemory(): void {
    this.stopMemoryWatch = watchMemory(this.list, (proc, bytes) => {
      this.log.warn(`memory ${formatSize(bytes)} passed max_memory ${formatSize(proc.unit.maxMemory!)}: restarting`, proc.name);
      this.events.emit('process:memory', { name: proc.name, bytes, limitBytes: proc.unit.maxMemory! });
      this.events.emit('process:restart', { name: proc.name, reason: 'memory' });
      proc.restart();
    });
  }

  healthOf(name: string): boolean | null {
    return this.monitor.healthOf(name);
  }

  /** (Re)starts the health checks of a running process, with its current spec. */
  checkWhileRunning(proc: ManagedProcess): void {
    this.monitor.stop(proc.name);
    if (proc.unit.health === null) return;
    this.monitor.start({
      name: proc.name,
      spec: proc.unit.health,
      startedAt: proc.startedAt ?? Date.now(),
      runAs: this.runAs(proc),
    });
  }

  // An exec check runs as the program does (SPEC section 7: user, group, env, cwd).
  private runAs(proc: ManagedProcess): Omit<SpawnRequest, 'argv'> | string {
    const command = requestAsProgram(proc.unit, proc.index, [], this.baseEnv);
    return command.ok ? command.request : command.reason;
  }

  stopChecking(name: string): void {
    this.monitor.stop(name);
  }

  close(): void {
    this.monitor.stopAll();
    this.stopMemoryWatch?.();
  }
}
