// `supd run [-d]`: be the supervisor. The single composition root: config -> pidfile ->
// supd.log -> copy tracker (cgroups) -> leftover children -> guardian -> supervisor -> reports -> control socket -> signals -> watch.
import path from 'node:path';
import { findConfigFile } from '../../config/locate.js';
import { loadConfig } from '../../config/load.js';
import { fdShortage } from '../../config/fd-budget.js';
import { countProcesses, type SupdConfig } from '../../config/types.js';
import { createHandler } from '../../control/handlers.js';
import { startControlServer } from '../../control/server.js';
import { recordRunningSocket } from '../../control/running-socket.js';
import { checkSocketPath } from '../../control/socket-path.js';
import { ConsoleOutput, wantsColour } from '../../logs/console.js';
import { StdoutWriter, isSameFile } from '../../logs/stdout-writer.js';
import { chooseReadPath } from '../../logs/pipe-reader.js';
import { openSupdLog, type SupdLog } from '../../logs/supd-log.js';
import { closeFifoDir, useFifoDir } from '../../process/child-stdio.js';
import type { CopyTracker } from '../../process/copy-tracker.js';
import { startGuardian, type Guardian } from '../../process/guardian.js';
import { closeInheritedFds, type ClosedFd } from '../../process/inherited-fds.js';
import { openTracker } from '../../process/open-tracker.js';
import { Reports } from '../../reports/reporter.js';
import { noReaperWarning, reaperToUse, runUnderReaper } from '../../process/reaper.js';
import { findSetpriv, signalProcess } from '../../process/spawner.js';
import { endSpawnHelper } from '../../process/spawn-helper.js';
import { ChildRegistry, findSurvivors } from '../../supervisor/child-registry.js';
import { watchEssential } from '../../supervisor/essential.js';
import { acquirePidfile } from '../../supervisor/pidfile.js';
import { refuseReload } from '../../supervisor/reload-guard.js';
import { findUnwritableLogs } from '../../logs/log-locations.js';
import { findStartRefusals } from '../start-refusals.js';
import { applySocketAccess, resolveSocketAccess } from '../../control/socket-access.js';
import { hasChild } from '../../process/states.js';
import { secureStateDir } from '../../supervisor/state-dir.js';
import { ProcessHistory } from '../../supervisor/history.js';
import { composeSupervisor, type Runtime } from '../../supervisor/compose.js';
import type { ReloadResult, Supervisor } from '../../supervisor/supervisor.js';
import { WatchRestarts } from '../../watch/watch-restarts.js';
import { errorLines, formatIssue, isSupdError, SupdError } from '../../errors.js';
import { flagString, type Command, type CommandContext } from '../command.js';
import { optimiseWhenBusy, WINDOW_MS } from '../optimise-when-busy.js';
import { systemClock } from '../../process/clock.js';
import { EXIT_OK } from '../exit-codes.js';
import { readVersion } from '../main.js';
import { detachSupervisor } from './run-detach.js';

/** Set by `supd run -d` on the supervisor it starts: stop writing to stderr once listening. */
export const DETACHED_ENV = 'SUPD_DETACHED_CHILD';

export const command: Command = {
  usage: `supd run [-c PATH] [-d|--detach] [--json]

Be the supervisor for the config: start every autostart program, keep them running, and
answer the CLI on the control socket. In the foreground by default (for systemd, Docker or a
terminal: Ctrl-C stops everything); with -d it goes to the background and returns once the
socket answers. SIGTERM/SIGINT stop everything and exit 0 (an essential program that ended
exits with its code); SIGHUP reloads; SIGUSR2 reopens
log files.`,
  options: { boolean: ['detach'], alias: { d: 'detach' } },
  async run(context) {
    // First of all: nothing supd opens, and no child it starts, may share these.
    const inherited = closeInheritedFds();
    // PID 1 of a container: let tini reap, under this thin supd (reaper.ts).
    const reaper = context.flags.detach === true ? null : reaperToUse(context.env);
    if (reaper !== null) return runUnderReaper(reaper, context.env);
    const file = findConfigFile(flagString(context, 'config'), context.env);
    const config = loadConfig(file, { env: context.env });
    checkSocketPath(config.supervisor.socket);
    refuseToStart(config);
    if (context.flags.detach === true) return detachSupervisor(config, context, DETACHED_ENV);
    return runSupervisor(config, context, inherited);
  },
};

async function runSupervisor(config: SupdConfig, context: CommandContext, inherited: readonly ClosedFd[]): Promise<number> {
  const ground = await prepareGround(config, context, inherited);
  const { log, consoleOut, guardian, registry, tracker, startEnv } = ground;
  const runtime = composeSupervisor(config, { log, guardian, registry, tracker, baseEnv: startEnv, console: consoleOut, applySettings: (s) => applyLogSettings(log, consoleOut, s) });
  await bindSocketsOrRefuse(runtime, log, () => (guardian.close(), ground.lock.release()));
  const life = superviseLife(runtime, log);
  const serving = await serve(config, ground, runtime, life.shutdown);
  if (ground.detached) log.detachStderr();
  runtime.startAll();
  const busy = context.env.SUPD_NODE_V8 === 'node' ? null : optimiseWhenBusy({ clock: systemClock, onBusy: (share) => log.info(`supd was busy (${Math.round(share * 100)}% of a core over ${WINDOW_MS / 1000} s): V8's optimising compiler is on from now`) });
  const watching = new WatchRestarts(runtime.supervisor, log);
  const code = await life.done;
  busy?.stop();
  watching.close();
  await serving.close();
  return closeGround(ground, code);
}

/** What supd holds before any program starts: its log, pidfile, copy tracker, guardian and the children's environment. */
interface Ground {
  readonly detached: boolean;
  readonly log: SupdLog;
  readonly consoleOut: ConsoleOutput;
  readonly lock: { release(): void };
  readonly registry: ChildRegistry;
  readonly tracker: CopyTracker;
  readonly guardian: Guardian;
  /** supd's environment at start, without what is internal to `run -d`: the base of every child's. */
  readonly startEnv: NodeJS.ProcessEnv;
}

// supd.log, the state dir and pidfile, then what is left of a previous supd is killed, then
// the guardian and the fifo dir; each thing that is missing or short is said in supd.log.
async function prepareGround(config: SupdConfig, context: CommandContext, inherited: readonly ClosedFd[]): Promise<Ground> {
  const detached = context.env[DETACHED_ENV] === '1';
  const { supervisor: settings } = config;
  const { log, consoleOut } = openLogAndConsole(settings, context);
  chooseReadPath(log);
  if (inherited.length > 0) log.info(`closed ${inherited.length} file descriptor(s) inherited from the parent: ${inherited.map((f) => `${f.fd} (${f.target})`).join(', ')}`);
  if (detached && config.units.some((u) => u.console.stdout || u.console.stderr)) log.warn('console output goes to supd\'s stdout, which -d detaches from the terminal: it is lost; give those programs log files');
  secureStateDir(settings.stateDir, (message) => log.warn(message));
  const lock = acquirePidfile(settings.pidfile, (pid) => log.warn(`removing the stale pidfile of a supd that is gone (pid ${pid ?? '?'})`));
  const registry = new ChildRegistry(settings.stateDir);
  const tracker = openTracker(settings.stateDir, context.env);
  describeTracker(tracker, log);
  killLeftovers(registry, log);
  await killPreviousCgroups(tracker, log);
  warnShortcomings(config, context.env, log);
  const guardian = startGuardian(tracker.guardianCommand);
  // Two pipes for each process of the config: its first starts take no exec of their own.
  useFifoDir(settings.stateDir, 2 * countProcesses(config), (message) => log.warn(message));
  // Internal to `run -d`: not for the children (nor for a supd they might start).
  const startEnv = { ...context.env };
  delete startEnv[DETACHED_ENV];
  delete process.env[DETACHED_ENV];
  return { detached, log, consoleOut, lock, registry, tracker, guardian, startEnv };
}

// What works less well here than it could: too few fds, no setpriv, no reaper for orphans.
function warnShortcomings(config: SupdConfig, env: NodeJS.ProcessEnv, log: SupdLog): void {
  const shortage = fdShortage(config);
  if (shortage !== null) log.warn(shortage);
  if (findSetpriv() === null) log.warn('setpriv (util-linux) not found: children will not get a parent-death signal; the guardian still kills their groups if supd dies');
  const orphans = noReaperWarning(env);
  if (orphans !== null) log.warn(orphans);
}

// How supd ends: a shutdown (asked, signalled, or an essential program that ended) stops
// everything, then `done` gives the exit code.
function superviseLife(runtime: Runtime, log: SupdLog): { done: Promise<number>; shutdown: (why: string) => Promise<void> } {
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  let exitCode = EXIT_OK;
  const shutdown = async (why: string): Promise<void> => {
    if (!runtime.supervisor.isShuttingDown) log.info(`${why}: stopping everything`);
    await runtime.shutdown();
    finished(exitCode);
  };
  watchEssential(runtime.view, (code, why) => {
    exitCode = code;
    void shutdown(why);
  });
  return { done, shutdown };
}

// What answers while supd runs: reports, the control socket, the optional HTTP side, signals.
async function serve(config: SupdConfig, ground: Ground, runtime: Runtime, shutdown: (why: string) => Promise<void>): Promise<{ close(): Promise<void> }> {
  const { log } = ground;
  const { supervisor: settings } = config;
  const { view } = runtime;
  const version = readVersion();
  // [supervisor.http] only: its code is loaded then, and its counters see every event from here.
  const httpSide = settings.http === null ? null : new (await import('../../http/start.js')).HttpSide(view, version);
  const reload = reloadWith(runtime.supervisor, config.file, ground, httpSide?.counters ?? null);
  const history = new ProcessHistory(view.events, () => view.now());
  const reports = new Reports(view, { log, version, onSendTry: (label, ok) => httpSide?.counters.noteSendTry(label, ok) });
  const report = (name: string | undefined, send: boolean) => reports.answer(name, send);
  const context = { view, control: runtime.supervisor, outputs: runtime.outputs, version, reload, report, history };
  const handler = createHandler({ ...context, shutdown: () => shutdown('shutdown requested'), dashboardUrl: () => httpSide?.url ?? null });
  const server = await startControlServer(settings.socket, handler);
  if (httpSide !== null) {
    await httpSide.listen(settings.http!, settings.stateDir, handler, log);
    log.info(`http: listening on ${settings.http!.listenText} (supd dashboard prints the login URL)`);
  }
  const access = resolveSocketAccess(settings.socketGroup, settings.socketMode);
  if (!('problem' in access)) applySocketAccess(settings.socket, settings.stateDir, access);
  installSignals(runtime, log, shutdown, reload);
  const forgetSocket = recordRunningSocket(config.file, settings.socket, process.pid, (m) => log.warn(m));
  log.info(`supd ${version} running (pid ${process.pid}) on ${config.file}, socket ${settings.socket}`);
  return {
    async close() {
      reports.close();
      await httpSide?.close();
      await server.close();
      forgetSocket();
    },
  };
}

// `supd reload` and SIGHUP: from the file, counted in the metrics (not a dry run).
function reloadWith(supervisor: Supervisor, file: string, ground: Ground, counters: { noteReload(ok: boolean): void } | null) {
  return (options: { dryRun?: boolean } = {}): Promise<ReloadResult> => {
    const applying = reloadFromFile(supervisor, file, ground.startEnv, ground.log, options.dryRun === true);
    if (options.dryRun !== true) applying.then(() => counters?.noteReload(true), () => counters?.noteReload(false));
    return applying;
  };
}

// Everything stopped: what is left in the cgroups, the guardian, the registry, the pidfile, the log.
async function closeGround(ground: Ground, code: number): Promise<number> {
  const { log, tracker } = ground;
  const killed = await tracker.close();
  if (killed > 0) log.info(`killed ${killed} process${killed === 1 ? '' : 'es'} left in the cgroups (kill_mode = process leftovers) on the way out`);
  await endSpawnHelper();
  ground.guardian.close();
  closeFifoDir();
  ground.registry.clear();
  ground.lock.release();
  log.info(`supd exits${code === EXIT_OK ? '' : ` with code ${code}`}`);
  await log.close();
  await ground.consoleOut.flushed();
  return code;
}

// Output that would be dropped from the first line on, a socket group that is not there:
// refuse to start (exit 1), naming each place.
function refuseToStart(config: SupdConfig): void {
  const problems = findStartRefusals(config);
  if (problems.length === 0) return;
  const issues = problems.map((p) => ({ file: config.file, path: p.path, message: p.message }));
  throw new SupdError('SUPD_E_START_FAILED', `cannot start: ${problems.length} problems`, { issues });
}

// supd.log, and the console for programs' lines (stdout = "console"). When stderr is the same
// file as stdout (2>&1, a terminal), supd's own lines queue with the programs': whole lines.
function openLogAndConsole(settings: SupdConfig['supervisor'], context: CommandContext): { log: SupdLog; consoleOut: ConsoleOutput } {
  const sink = { error: (_message: string): void => undefined };
  const consoleOut = new ConsoleOutput(new StdoutWriter(1, (m) => sink.error(m)), { format: settings.logFormat, colour: wantsColour(context.env) });
  const stderr = isSameFile(1, 2) ? { write: (text: string) => (consoleOut.writeOwn(text), true) } : context.stderr;
  const log = openSupdLog(path.join(settings.logDir, 'supd.log'), settings.log, settings.logLevel, stderr, settings.logFormat);
  sink.error = (m) => log.error(m);
  return { log, consoleOut };
}

// A socket that cannot be bound refuses the start (exit 1), naming the program and address.
async function bindSocketsOrRefuse(runtime: Runtime, log: SupdLog, release: () => void): Promise<void> {
  try {
    await runtime.bindSockets();
  } catch (error) {
    log.error(`cannot start: ${(error as Error).message}`);
    release();
    await log.close();
    throw error;
  }
}

// Reload: supd.log's level, place (log_dir) and rotation apply at once.
function applyLogSettings(log: SupdLog, consoleOut: ConsoleOutput, settings: SupdConfig['supervisor']): void {
  log.setLevel(settings.logLevel);
  log.setFormat(settings.logFormat);
  consoleOut.setFormat(settings.logFormat);
  log.setFile(path.join(settings.logDir, 'supd.log'), settings.log);
}

// Children recorded by a supd that died (and that the guardian missed): kill them before
// starting anything, so no program ever runs twice.
function killLeftovers(registry: ChildRegistry, log: SupdLog): void {
  const survivors = findSurvivors(registry.readPrevious((why) => log.warn(`not trusting ${why}: no process it names is killed`)));
  for (const child of survivors) {
    log.warn(`killing ${child.name} (pid ${child.pid}) left running by a previous supd`);
    signalProcess(child.pid, 'SIGKILL', true);
  }
  registry.clear();
}

function describeTracker(tracker: CopyTracker, log: SupdLog): void {
  if (tracker.kind !== 'session') log.info(`tracking each program's processes in a cgroup (${tracker.kind === 'cgroup2' ? 'v2' : 'v1 pids'}) under ${tracker.where}`);
  else log.info(`tracking each program's processes by process group and session, not by cgroup (${tracker.where}): a process that calls setsid and forks again escapes`);
}

// Cgroups of a supd on this state dir that was killed (kill -9) and whose guardian missed them.
async function killPreviousCgroups(tracker: CopyTracker, log: SupdLog): Promise<void> {
  for (const { name, count } of await tracker.killPrevious()) {
    log.warn(`killed ${count} process${count === 1 ? '' : 'es'} of ${name} left in its cgroup by a previous supd`);
  }
}

// The file as it is now, through the whole pipeline, against supd's environment at start; an
// invalid or harmful file (src/supervisor/reload-guard.ts) changes nothing and every error goes
// to supd.log (and to `supd reload`). A dry run stops short of applying.
async function reloadFromFile(supervisor: Supervisor, file: string, env: NodeJS.ProcessEnv, log: SupdLog, dryRun: boolean): Promise<ReloadResult> {
  let next: SupdConfig;
  try {
    next = loadConfig(file, { env, displayName: file });
    const programsRun = supervisor.list().some((p) => p.wanted === 'up' || hasChild(p.state));
    const refusal = refuseReload(next, programsRun, findUnwritableLogs(next));
    if (refusal !== null) throw refusal;
  } catch (error) {
    if (isSupdError(error) && !dryRun) {
      // A config that does not load: say first that nothing changed, then each problem.
      const lines = error.code === 'SUPD_E_RELOAD_REFUSED' ? errorLines(error) : [`reload refused, nothing changed: ${error.message}`, ...error.issues.map(formatIssue)];
      for (const line of lines) log.error(line);
    }
    throw error;
  }
  return dryRun ? supervisor.previewReload(next) : supervisor.reload(next);
}

// The first SIGTERM/SIGINT stops everything gracefully; the second is logged (what is left);
// the third (the second Ctrl-C in a terminal, as foreman and docker compose do) sends SIGKILL
// to what is left, and supd exits once it is gone.
function countStopSignals(supervisor: Supervisor, log: SupdLog, shutdown: (why: string) => Promise<void>): (signal: NodeJS.Signals) => void {
  let count = 0;
  return (signal) => {
    count++;
    const left = supervisor.list().filter((p) => p.pid !== null).map((p) => p.name);
    const killAt = signal === 'SIGINT' && process.stdin.isTTY === true ? 2 : 3;
    if (count === 1) return void shutdown(signal);
    if (count < killAt) {
      log.warn(`${signal} again while shutting down: still stopping ${left.join(', ') || 'nothing'}; one more sends SIGKILL to what is left`);
      return;
    }
    log.warn(`${signal} again while shutting down: sending SIGKILL to ${left.join(', ') || 'nothing (all stopped)'}`);
    supervisor.killAll();
  };
}

// SPEC section 6: TERM and INT stop everything; HUP reloads; USR2 reopens logs. No other
// signal ends supd, so the ones that would by default are caught and logged.
function installSignals(runtime: Runtime, log: SupdLog, shutdown: (why: string) => Promise<void>, reload: () => Promise<unknown>): void {
  const onStopSignal = countStopSignals(runtime.supervisor, log, shutdown);
  process.on('SIGTERM', () => onStopSignal('SIGTERM'));
  process.on('SIGINT', () => onStopSignal('SIGINT'));
  process.on('SIGUSR2', () => {
    log.info('SIGUSR2: reopening log files');
    log.reopen();
    runtime.outputs.reopen();
  });
  process.on('SIGHUP', () => {
    log.info('SIGHUP: reloading the config');
    reload().catch(() => undefined);
  });
  // V8's CPU profiler (--cpu-prof, --prof) drives itself with SIGPROF: leave it alone then.
  const profiling = process.execArgv.some((a) => a.startsWith('--cpu-prof') || a === '--prof');
  const ignored = ['SIGQUIT', 'SIGUSR1', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU', 'SIGXFSZ', 'SIGPOLL', 'SIGPWR', 'SIGSTKFLT', 'SIGTRAP', ...(profiling ? [] : ['SIGPROF'])] as const;
  for (const signal of ignored) {
    try {
      process.on(signal, () => log.warn(`${signal} ignored (only SIGTERM, SIGINT and SIGKILL end supd)`));
    } catch {
      // not a signal this platform lets us catch
    }
  }
  process.stderr.on('error', () => undefined);
  process.on('uncaughtException', (error) => {
    log.error(`internal error: ${error.stack ?? error.message}`);
  });
}
