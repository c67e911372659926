// Periodic health checks of running processes (SPEC key `health`): a probe every interval;
// after `retries` failures in a row the process is reported unhealthy and restarted.
import type { HealthSpec } from '../config/types.js';
import type { SpawnRequest } from '../process/spawner.js';
import { probeExec, probeHttp, probeTcp, type ProbeResult } from './checks.js';
import { INITIAL_HEALTH, stepHealth, type HealthState } from './health-state.js';

export interface HealthTarget {
  readonly name: string;
  readonly spec: HealthSpec;
  readonly startedAt: number;
  /** How an exec check runs (as the program: its user, group, env, cwd, umask), or why it cannot. */
  readonly runAs: Omit<SpawnRequest, 'argv'> | string;
}

export interface HealthEvents {
  changed(name: string, healthy: boolean, reason: string | null): void;
  unhealthy(name: string, reason: string): void;
}

interface Monitor {
  state: HealthState;
  timer: NodeJS.Timeout | null;
  stopped: boolean;
}

export class HealthMonitor {
  private readonly monitors = new Map<string, Monitor>();

  constructor(private readonly events: HealthEvents, private readonly now: () => number = Date.now) {}

  healthOf(name: string): boolean | null {
    return this.monitors.get(name)?.state.healthy ?? null;
  }

  start(target: HealthTarget): void {
    this.stop(target.name);
    const monitor: Monitor = { state: INITIAL_HEALTH, timer: null, stopped: false };
    this.monitors.set(target.name, monitor);
    const schedule = (): void => {
      monitor.timer = setTimeout(() => void check(), target.spec.intervalMs);
    };
    const check = async (): Promise<void> => {
      const failure = await probe(target);
      if (monitor.stopped) return;
      const step = stepHealth(monitor.state, failure === null, target.spec, this.now() - target.startedAt);
      const was = monitor.state.healthy;
      monitor.state = step.state;
      if (step.state.healthy !== was && step.state.healthy !== null) this.events.changed(target.name, step.state.healthy, failure);
      if (step.restart) this.events.unhealthy(target.name, failure ?? 'unhealthy');
      else schedule();
    };
    schedule();
  }

  stop(name: string): void {
    const monitor = this.monitors.get(name);
    if (monitor === undefined) return;
    monitor.stopped = true;
    if (monitor.timer !== null) clearTimeout(monitor.timer);
    this.monitors.delete(name);
  }

  stopAll(): void {
    for (const name of [...this.monitors.keys()]) this.stop(name);
  }
}

function probe(target: HealthTarget): Promise<ProbeResult> {
  const { spec } = target;
  if (spec.kind === 'tcp') return probeTcp(String(spec.target), spec.timeoutMs);
  if (spec.kind === 'http') return probeHttp(String(spec.target), spec.timeoutMs);
  if (typeof target.runAs === 'string') return Promise.resolve(`exec: ${target.runAs}`);
  return probeExec({ ...target.runAs, argv: spec.target as readonly string[] }, spec.timeoutMs);
}
