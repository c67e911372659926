// The supervisor and its parts, put together (the composition root's core, used by `supd run`):
// the held sockets and the host its processes see, then the parts that follow its events:
// log outputs, health checks, schedules. Hands out the narrow faces (view.ts), never the class
// to readers.
import type { SupdConfig, SupervisorSpec } from '../config/types.js';
import type { ConsoleOutput } from '../logs/console.js';
import type { Logger } from '../logs/supd-log.js';
import { systemClock } from '../process/clock.js';
import type { CopyTracker } from '../process/copy-tracker.js';
import type { Guardian } from '../process/guardian.js';
import { Scheduler } from '../schedule/scheduler.js';
import { HeldSockets } from '../sockets/held-sockets.js';
import type { ChildRegistry } from './child-registry.js';
import { createProcessHost } from './process-host.js';
import { ProcessHealth } from './process-health.js';
import { ProcessOutputs } from './process-outputs.js';
import { Supervisor } from './supervisor.js';
import type { SupervisorView } from './view.js';

export interface RuntimeDeps {
  readonly log: Logger;
  readonly guardian: Guardian;
  readonly registry: ChildRegistry;
  /** Every process of each copy: its cgroup, or its process group and session. */
  readonly tracker: CopyTracker;
  /** supd's environment as it was at start: the base of every child's. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Where the lines of stdout/stderr = "console" go (supd's stdout); none: they are dropped. */
  readonly console?: ConsoleOutput | null;
  /** Applies [supervisor] settings that can change live (log level...) after a reload. */
  readonly applySettings?: (settings: SupervisorSpec) => void;
}

export interface Runtime {
  /** For the composition root only (signals, reload, watch): readers get `view`. */
  readonly supervisor: Supervisor;
  readonly view: SupervisorView;
  readonly outputs: ProcessOutputs;
  /** Binds the sockets the config names (before startAll): a failure names each program and address. */
  bindSockets(): Promise<void>;
  /** Creates and starts the processes, their schedules and the memory watch. */
  startAll(): void;
  /** Stops every process (Supervisor.shutdown), then closes their logs and the held sockets. */
  shutdown(): Promise<void>;
}

export function composeSupervisor(config: SupdConfig, deps: RuntimeDeps): Runtime {
  const { log } = deps;
  const sockets = new HeldSockets((level, message) => log[level](message));
  const outputs = new ProcessOutputs(log, deps.console ?? null);
  const supervisor = new Supervisor(config, {
    log,
    sockets,
    clock: systemClock,
    ...(deps.applySettings === undefined ? {} : { applySettings: deps.applySettings }),
    host: (side) => createProcessHost({ ...deps, ...side, sockets, clock: systemClock, outputOf: (name) => outputs.outputOf(name) }),
  });
  const find = (name: string) => supervisor.get(name);
  const list = () => supervisor.list();
  outputs.follow(supervisor.events, find);
  const health = new ProcessHealth(log, supervisor.events, find, list, deps.baseEnv, () => supervisor.now());
  const schedules = followSchedules(supervisor, log);
  let stopping: Promise<void> | null = null;
  const closeAll = async (): Promise<void> => {
    await supervisor.shutdown();
    await outputs.closeAll();
    sockets.closeAll();
    log.info('all processes stopped');
  };
  return {
    supervisor,
    view: viewOf(supervisor, health, schedules.scheduler),
    outputs,
    async bindSockets() {
      await sockets.bind(config.units, config.file);
      sockets.setWanted(config.units);
    },
    startAll() {
      supervisor.startAll();
      schedules.start();
      health.watchMemory();
    },
    shutdown: () => (stopping ??= closeAll()),
  };
}

// One cron task per scheduled process, kept in step from startAll on: after a reload and when
// copies come or go (`supd scale` of a scheduled program adds or removes some), coalesced into
// one sync a tick (a reload adds its copies one by one); ended at shutdown.
function followSchedules(supervisor: Supervisor, log: Logger): { readonly scheduler: Scheduler; start(): void } {
  const scheduler = new Scheduler(log);
  let following = false;
  let queued = false;
  const sync = (): void => {
    queued = false;
    if (following) scheduler.sync(supervisor.list());
  };
  const resync = (): void => {
    if (!following || queued) return;
    queued = true;
    queueMicrotask(sync);
  };
  for (const event of ['config:reloaded', 'process:added', 'process:removed'] as const) supervisor.events.on(event, resync);
  supervisor.events.on('shutdown:stopped', () => {
    following = false;
    scheduler.stopAll();
  });
  return {
    scheduler,
    start() {
      following = true;
      sync();
    },
  };
}

function viewOf(supervisor: Supervisor, health: ProcessHealth, scheduler: Scheduler): SupervisorView {
  return {
    events: supervisor.events,
    startedAt: supervisor.startedAt,
    get currentConfig() {
      return supervisor.currentConfig;
    },
    get isShuttingDown() {
      return supervisor.isShuttingDown;
    },
    now: () => supervisor.now(),
    list: () => supervisor.list(),
    get: (name) => supervisor.get(name),
    healthOf: (name) => health.healthOf(name),
    nextRunOf: (name) => scheduler.nextRun(name),
  };
}
