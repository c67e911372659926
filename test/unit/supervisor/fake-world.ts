// A Supervisor on fake children and a fake clock: the real supervisor, process host and
// ManagedProcess, with no process spawned and no wall-clock wait. A child exits when told to
// (crash) or when signalled (unless it is told to ignore that signal), always asynchronously,
// as a real one does.
import { PassThrough } from 'node:stream';
import type { SupdConfig } from '../../../src/config/types.js';
import type { ChildHandle, SpawnRequest, SpawnResult } from '../../../src/process/spawner.js';
import { HeldSockets } from '../../../src/sockets/held-sockets.js';
import { createProcessHost, type ChildLauncher } from '../../../src/supervisor/process-host.js';
import { Supervisor } from '../../../src/supervisor/supervisor.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { parse } from '../../helpers/config.js';

/** Above any pid_max: no real process can have these pids. */
const FIRST_PID = 50_000_000;

export class FakeChild implements ChildHandle {
  readonly exe: string;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly extra = new Map();
  exited = false;
  /** Signals this child takes without exiting. */
  readonly ignores = new Set<NodeJS.Signals>();
  readonly signals: NodeJS.Signals[] = [];
  private readonly listeners: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
  private readonly afterTasks: Array<() => Promise<void> | void> = [];

  constructor(
    readonly pid: number,
    readonly request: SpawnRequest,
  ) {
    this.exe = request.argv[0] ?? '';
  }

  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.listeners.push(listener);
  }

  holdExit(): void {}

  afterExit(task: () => Promise<void> | void): void {
    this.afterTasks.push(task);
  }

  /** Ends the child: reported on a later turn of the event loop, after its afterExit tasks. */
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.exited) return;
    this.exited = true;
    setImmediate(() => {
      void Promise.all(this.afterTasks.map((task) => task())).then(() => {
        for (const listener of this.listeners) listener(code, signal);
      });
    });
  }

  receive(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (!this.ignores.has(signal) || signal === 'SIGKILL') this.exit(null, signal);
  }
}

export class FakeChildren implements ChildLauncher {
  readonly spawned: FakeChild[] = [];
  /** Scripts whose children exit at once with this code. */
  readonly crashing = new Map<string, number>();
  private nextPid = FIRST_PID;

  spawn(request: SpawnRequest): SpawnResult {
    const child = new FakeChild(this.nextPid++, request);
    this.spawned.push(child);
    for (const [script, code] of this.crashing) if (request.argv.includes(script)) child.exit(code);
    return { ok: true, child };
  }

  signal(pid: number, signal: NodeJS.Signals): boolean {
    const child = this.spawned.find((c) => c.pid === pid && !c.exited);
    child?.receive(signal);
    return child !== undefined;
  }

  /** The live child of a command's program (`node web.js` -> 'web.js'), the latest one. */
  liveOf(script: string): FakeChild | undefined {
    return this.spawned.filter((c) => !c.exited && c.request.argv.includes(script)).at(-1);
  }

  countOf(script: string): number {
    return this.spawned.filter((c) => c.request.argv.includes(script)).length;
  }
}

export interface FakeWorld {
  readonly supervisor: Supervisor;
  readonly clock: FakeClock;
  readonly children: FakeChildren;
  readonly lines: string[];
  /** A config text through the real pipeline, for reload. */
  config(text: string): SupdConfig;
}

const noop = (): void => undefined;

export function fakeWorld(text: string): FakeWorld {
  const clock = new FakeClock();
  clock.now = Date.parse('2026-01-01T00:00:00Z');
  const children = new FakeChildren();
  const lines: string[] = [];
  const log = {
    debug: noop,
    info: (m: string, name?: string) => lines.push(`${name ?? 'supd'}: ${m}`),
    warn: (m: string, name?: string) => lines.push(`${name ?? 'supd'}: ${m}`),
    error: (m: string, name?: string) => lines.push(`${name ?? 'supd'}: ${m}`),
  };
  const sockets = new HeldSockets(noop);
  const tracker = { entryOf: () => null, members: () => [], signalAll: () => 0, killAll: () => Promise.resolve(0), release: noop };
  const supervisor = new Supervisor(parse(text), {
    log,
    sockets,
    clock: clock.asClock(),
    host: (side) =>
      createProcessHost({ ...side, log, guardian: { watch: noop, forget: noop }, registry: { add: noop, remove: noop }, tracker, baseEnv: {}, sockets, clock: clock.asClock(), children, random: () => 0, outputOf: () => undefined }),
  });
  return { supervisor, clock, children, lines, config: parse };
}

/** Lets every exit and reaction already under way happen (a few turns of the event loop). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** `name: state` of every process, in status order. */
export function states(supervisor: Supervisor): string[] {
  return supervisor.list().map((p) => `${p.name}: ${p.state}`);
}

/** A program with a fake command, up at once (start_secs = 0, unless `keys` set it) and a short stop_timeout. */
export function program(name: string, keys = ''): string {
  const startSecs = keys.includes('start_secs') ? '' : 'start_secs = 0\n';
  return `[programs.${name}]\ncommand = "node ${name}.js"\n${startSecs}stop_timeout = "1s"\n${keys}\n`;
}
