// Raw, validated TOML data -> the frozen SupdConfig. Pure but for the injected file reader
// (env_file); every problem is collected with its key path, none stops the others.
import path from 'node:path';
import { joinKey } from './key-path.js';
import { buildUnit, checkKillKeys, inheritKeys, toArgv, type RawTable, type UnitContext } from './normalize-unit.js';
import { defDefault, schemaDefault } from './schema.js';
import { parseListen } from './listen-address.js';
import type { AlertsSpec, HttpSpec, ReportSpec, SupdConfig, SupervisorSpec, TransportSpec, UnitSpec } from './types.js';
import { parseDuration, parseSize } from './units.js';

export interface NormalizeContext {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly readTextFile: (file: string) => string;
}

export interface KeyProblem {
  readonly path: string;
  readonly message: string;
}

export function normalizeConfig(raw: RawTable, context: NormalizeContext): { config: SupdConfig; problems: KeyProblem[] } {
  const problems: KeyProblem[] = [];
  const dir = path.dirname(context.file);
  const supervisor = normalizeSupervisor(raw.supervisor ?? {}, dir);
  const ctx: UnitContext = {
    dir,
    logDir: supervisor.logDir,
    readTextFile: context.readTextFile,
    problem: (keyPath, message) => problems.push({ path: keyPath, message }),
  };
  const programs = Object.keys(raw.programs ?? {});
  checkKillKeys(raw.defaults, 'defaults', ctx);
  const units = programs.flatMap((name) => buildProgramUnits(name, raw.programs[name], raw.defaults ?? {}, ctx));
  const reports = Object.entries<RawTable>(raw.reports ?? {}).flatMap(([name, table]) => {
    const report = normalizeReport(name, table, dir, ctx);
    return report === null ? [] : [report];
  });
  const alerts = raw.alerts === undefined ? null : normalizeAlerts(raw.alerts, dir, ctx);
  const config: SupdConfig = { file: context.file, dir, supervisor, programs, units, reports, alerts };
  return { config: deepFreeze(config), problems };
}

function buildProgramUnits(name: string, program: RawTable, defaults: RawTable, ctx: UnitContext): UnitSpec[] {
  const keyPath = joinKey('programs', name);
  checkKillKeys(program, keyPath, ctx);
  for (const [method, table] of Object.entries<RawTable>(program.methods ?? {})) checkKillKeys(table, joinKey(joinKey(keyPath, 'methods'), method), ctx);
  const keys = inheritKeys(defaults, program);
  const methods = Object.entries<RawTable>(program.methods ?? {});
  if (methods.length === 0) {
    if (program.command === undefined) {
      ctx.problem(`${keyPath}.command`, 'is required (a program runs a command, or has methods that each do)');
      return [];
    }
    const argv = toArgv(program.command, `${keyPath}.command`, ctx);
    if (argv === null) return [];
    return [buildUnit(keys, { name, program: name, method: null, keyPath }, [...argv, ...(keys.args ?? [])], ctx)];
  }
  if (program.schedule !== undefined) {
    ctx.problem(`${keyPath}.schedule`, 'a program with methods cannot have a schedule: give the schedule to a method');
  }
  const programArgv = program.command === undefined ? null : toArgv(program.command, `${keyPath}.command`, ctx);
  return methods.flatMap(([method, table]) => {
    const methodPath = joinKey(`${keyPath}.methods`, method);
    const argv = methodArgv(method, table, keys, programArgv, methodPath, ctx);
    if (argv === null) return [];
    const ids = { name: `${name}.${method}`, program: name, method, keyPath: methodPath };
    return [buildUnit(inheritKeys(keys, table), ids, argv, ctx)];
  });
}

// A method runs the program's command, the program's args, then its own (default [<method>]).
// A method with a command of its own runs that and its own args only.
function methodArgv(
  method: string,
  table: RawTable,
  programKeys: RawTable,
  programArgv: string[] | null,
  methodPath: string,
  ctx: UnitContext,
): string[] | null {
  if (table.command !== undefined) {
    const own = toArgv(table.command, `${methodPath}.command`, ctx);
    return own === null ? null : [...own, ...(table.args ?? [])];
  }
  if (programArgv === null) {
    if (programKeys.command === undefined) {
      ctx.problem(`${methodPath}.command`, 'is required: neither the method nor its program has a command');
    }
    return null;
  }
  return [...programArgv, ...(programKeys.args ?? []), ...(table.args ?? [method])];
}

function normalizeSupervisor(raw: RawTable, dir: string): SupervisorSpec {
  const get = <T>(key: string): T => (raw[key] !== undefined ? raw[key] : defDefault<T>('supervisor', key)) as T;
  const stateDir = path.resolve(dir, get<string>('state_dir'));
  const log: RawTable = raw.log ?? {};
  const logGet = <T>(key: string): T => (log[key] !== undefined ? log[key] : defDefault<T>('logRotation', key)) as T;
  return {
    stateDir,
    socket: raw.socket === undefined ? path.join(stateDir, 'supd.sock') : path.resolve(dir, raw.socket),
    pidfile: raw.pidfile === undefined ? path.join(stateDir, 'supd.pid') : path.resolve(dir, raw.pidfile),
    socketGroup: raw.socket_group ?? null,
    socketMode: parseInt(get<string>('socket_mode'), 8),
    logDir: path.resolve(dir, get<string>('log_dir')),
    logLevel: get('log_level'),
    shutdownTimeoutMs: parseDuration(get('shutdown_timeout')),
    logFormat: get('log_format'),
    log: {
      maxSize: parseSize(logGet('max_size')),
      intervalMs: log.interval === undefined ? null : parseDuration(log.interval),
      keep: logGet<number>('keep'),
      compress: logGet<boolean>('compress'),
    },
    http: normalizeHttp(raw.http, dir),
  };
}

// The schema checked listen's shape; a port past 65535 is kept as port -1 for checkHttp to name.
function normalizeHttp(raw: RawTable | undefined, dir: string): HttpSpec | null {
  if (raw === undefined) return null;
  const text = String(raw.listen);
  return {
    listen: parseListen(text, dir) ?? { kind: 'tcp', host: text, port: -1 },
    listenText: text,
    allowRemote: raw.allow_remote === true,
    cert: raw.cert === undefined ? null : path.resolve(dir, raw.cert),
    key: raw.key === undefined ? null : path.resolve(dir, raw.key),
    metricsToken: raw.metrics_token ?? null,
  };
}

function normalizeTransport(raw: RawTable, keyPath: string, dir: string, ctx: UnitContext): TransportSpec | null {
  const given = (['smtp', 'sendmail', 'file'] as const).filter((k) => raw[k] !== undefined);
  if (given.length !== 1) {
    const found = given.length > 1 ? ` (found ${given.join(' and ')})` : '';
    ctx.problem(keyPath, `give exactly one transport: smtp, sendmail or file${found}`);
    return null;
  }
  const kind = given[0]!;
  if (kind === 'smtp') return { kind, url: raw.smtp };
  return { kind, path: path.resolve(dir, raw[kind]) };
}

function normalizeReport(name: string, raw: RawTable, dir: string, ctx: UnitContext): ReportSpec | null {
  const transport = normalizeTransport(raw, `reports.${name}`, dir, ctx);
  if (transport === null) return null;
  return {
    name,
    schedule: raw.schedule,
    timezone: raw.timezone ?? null,
    to: raw.to,
    from: raw.from ?? null,
    subject: raw.subject ?? defDefault<string>('report', 'subject'),
    onlyOnProblems: raw.only_on_problems ?? defDefault<boolean>('report', 'only_on_problems'),
    transport,
  };
}

function normalizeAlerts(raw: RawTable, dir: string, ctx: UnitContext): AlertsSpec | null {
  const transport = normalizeTransport(raw, 'alerts', dir, ctx);
  if (transport === null) return null;
  const loop: RawTable = raw.crash_loop ?? {};
  return {
    on: raw.on ?? defDefault('alerts', 'on'),
    to: raw.to,
    from: raw.from ?? null,
    minIntervalMs: parseDuration(raw.min_interval ?? defDefault('alerts', 'min_interval')),
    crashLoop: {
      restarts: loop.restarts ?? schemaDefault<number>('#/$defs/alerts/properties/crash_loop/properties/restarts'),
      windowMs: parseDuration(loop.window ?? schemaDefault('#/$defs/alerts/properties/crash_loop/properties/window')),
    },
    transport,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
