// `supd run [-d]`: be the supervisor. The single composition root: config -> pidfile ->
// supd.log -> leftover children -> guardian -> supervisor -> reports -> control socket -> signals -> watch.
import path from 'node:path';
import { findConfigFile } from '../../config/locate.js';
import { loadConfig } from '../../config/load.js';
import type { SupdConfig } from '../../config/types.js';
import { createHandler } from '../../control/handlers.js';
import { startControlServer } from '../../control/server.js';
import { checkSocketPath } from '../../control/socket-path.js';
import { openSupdLog, type SupdLog } from '../../logs/supd-log.js';
import { startGuardian } from '../../process/guardian.js';
import { Reports } from '../../reports/reporter.js';
import { findSetpriv, signalProcess } from '../../process/spawner.js';
import { ChildRegistry, findSurvivors } from '../../supervisor/child-registry.js';
import { acquirePidfile } from '../../supervisor/pidfile.js';
import { secureStateDir } from '../../supervisor/state-dir.js';
import { ProcessHistory } from '../../supervisor/history.js';
import { Supervisor, type ReloadResult } from '../../supervisor/supervisor.js';
import { WatchRestarts } from '../../watch/watch-restarts.js';
import { formatIssue, isSupdError } from '../../errors.js';
import { flagString, type Command, type CommandContext } from '../command.js';
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
socket answers. SIGTERM/SIGINT stop everything and exit 0; SIGHUP reloads; SIGUSR2 reopens
log files.`,
  options: { boolean: ['detach'], alias: { d: 'detach' } },
  async run(context) {
    const file = findConfigFile(flagString(context, 'config'), context.env);
    const config = loadConfig(file, { env: context.env });
    checkSocketPath(config.supervisor.socket);
    if (context.flags.detach === true) return detachSupervisor(config, context, DETACHED_ENV);
    return runSupervisor(config, context);
  },
};

async function runSupervisor(config: SupdConfig, context: CommandContext): Promise<number> {
  const detached = context.env[DETACHED_ENV] === '1';
  const { supervisor: settings } = config;
  const log = openSupdLog(path.join(settings.logDir, 'supd.log'), settings.log, settings.logLevel, context.stderr);
  secureStateDir(settings.stateDir, (message) => log.warn(message));
  const lock = acquirePidfile(settings.pidfile, (pid) => log.warn(`removing the stale pidfile of a supd that is gone (pid ${pid ?? '?'})`));
  const registry = new ChildRegistry(settings.stateDir);
  killLeftovers(registry, log);
  if (findSetpriv() === null) log.warn('setpriv (util-linux) not found: children will not get a parent-death signal; the guardian still kills their groups if supd dies');
  const guardian = startGuardian();
  const startEnv = { ...context.env };
  const supervisor = new Supervisor(config, { log, guardian, registry, baseEnv: startEnv, applySettings: (s) => applyLogSettings(log, s) });
  const version = readVersion();
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const shutdown = async (why: string): Promise<void> => {
    if (!supervisor.isShuttingDown) log.info(`${why}: stopping everything`);
    await supervisor.shutdown();
    finished(EXIT_OK);
  };
  const reload = (): Promise<ReloadResult> => reloadFromFile(supervisor, config.file, startEnv, log);
  const history = new ProcessHistory(supervisor.events, () => supervisor.now());
  const reports = new Reports(supervisor, { log, version });
  const report = (name: string | undefined, send: boolean) => reports.answer(name, send);
  const server = await startControlServer(settings.socket, createHandler({ supervisor, version, reload, report, history, shutdown: () => shutdown('shutdown requested') }));
  installSignals(supervisor, log, shutdown, reload);
  log.info(`supd ${version} running (pid ${process.pid}) on ${config.file}, socket ${settings.socket}`);
  if (detached) log.detachStderr();
  supervisor.startAll();
  const watching = new WatchRestarts(supervisor, log);
  const code = await done;
  reports.close();
  watching.close();
  await server.close();
  guardian.close();
  registry.clear();
  lock.release();
  log.info('supd exits');
  await log.close();
  return code;
}

// Reload: supd.log's level, place (log_dir) and rotation apply at once.
function applyLogSettings(log: SupdLog, settings: SupdConfig['supervisor']): void {
  log.setLevel(settings.logLevel);
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

// The file as it is now, through the whole pipeline, against supd's environment at start; an
// invalid file changes nothing and every error goes to supd.log (and to `supd reload`).
async function reloadFromFile(supervisor: Supervisor, file: string, env: NodeJS.ProcessEnv, log: SupdLog): Promise<ReloadResult> {
  let next: SupdConfig;
  try {
    next = loadConfig(file, { env, displayName: file });
  } catch (error) {
    if (isSupdError(error)) {
      log.error(`reload refused, nothing changed: ${error.message}`);
      for (const issue of error.issues) log.error(formatIssue(issue));
    }
    throw error;
  }
  return supervisor.reload(next);
}

// SPEC section 6: TERM and INT stop everything; HUP reloads; USR2 reopens logs. No other
// signal ends supd, so the ones that would by default are caught and logged.
function installSignals(supervisor: Supervisor, log: SupdLog, shutdown: (why: string) => Promise<void>, reload: () => Promise<unknown>): void {
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGUSR2', () => {
    log.info('SIGUSR2: reopening log files');
    log.reopen();
    supervisor.reopenLogs();
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
