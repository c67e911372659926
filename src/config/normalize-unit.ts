// One unit (a program, or one method of it) from its raw, validated keys, after inheritance:
// [defaults] -> program -> method. Pure: files (env_file) are read through the injected reader.
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describeUnknownWord, unknownCopyWords } from './per-copy.js';
import { resolveProcessCount } from './process-count.js';
import { defDefault, processKeyDefault } from './schema.js';
import { normalizeLimits } from './limits.js';
import { splitCommand } from './split-command.js';
import { parseSocketAddress } from './socket-address.js';
import type { BackoffSpec, HealthSpec, HooksSpec, KillMode, OutputSpec, ReadySpec, SocketSpec, UnitSpec, WatchSpec } from './types.js';
import { normalizeSignal, parseDuration, parseSize, parseUmask } from './units.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type RawTable = Record<string, any>;

export interface UnitContext {
  readonly dir: string;
  readonly logDir: string;
  readonly readTextFile: (file: string) => string;
  readonly problem: (path: string, message: string) => void;
}

// Tables whose keys merge one by one down the inheritance chain; every other key is replaced whole.
const MERGED_TABLES = ['env', 'backoff', 'hooks'] as const;

/** A program's keys on top of [defaults], or a method's on top of its program's. */
export function inheritKeys(parent: RawTable, child: RawTable): RawTable {
  const merged: RawTable = { ...parent, ...child };
  // kill_group is kill_mode's old name: the nearer table's choice wins, whichever name it uses.
  if (child.kill_mode !== undefined) delete merged.kill_group;
  if (child.kill_group !== undefined) delete merged.kill_mode;
  for (const key of MERGED_TABLES) {
    if (parent[key] !== undefined && child[key] !== undefined) merged[key] = { ...parent[key], ...child[key] };
  }
  delete merged.methods;
  return merged;
}

type UnitIds = { name: string; program: string; method: string | null; keyPath: string };
type Get = <T>(key: string) => T;

export function buildUnit(keys: RawTable, ids: UnitIds, argv: readonly string[], ctx: UnitContext): UnitSpec {
  const get: Get = <T>(key: string): T => (keys[key] !== undefined ? keys[key] : processKeyDefault<T>(key)) as T;
  checkCopyWords(keys, ids.keyPath, ctx);
  // In the order of UnitSpec: the problems found are reported in that order.
  return { name: ids.name, program: ids.program, method: ids.method, argv, ...runKeys(keys, get), ...placeKeys(keys, get, ids, ctx), ...watchKeys(keys, get, ids, ctx) };
}

// How many copies, and how they start, restart and stop.
function runKeys(keys: RawTable, get: Get) {
  return {
    processes: resolveProcessCount(get<number | string>('processes')) ?? 0,
    autostart: get<boolean>('autostart'),
    restart: get<UnitSpec['restart']>('restart'),
    successExitCodes: get<number[]>('success_exit_codes'),
    startSecsMs: parseDuration(get('start_secs')),
    backoff: normalizeBackoff(keys.backoff ?? {}),
    maxRestarts: get<number>('max_restarts'),
    restartWindowMs: parseDuration(get('restart_window')),
    stopSignal: normalizeSignal(get('stop_signal')),
    stopTimeoutMs: parseDuration(get('stop_timeout')),
    killMode: keys.kill_group === undefined ? get<KillMode>('kill_mode') : keys.kill_group === true ? ('group' as const) : ('process' as const),
  } satisfies Partial<UnitSpec>;
}

// As whom and where it runs, with what environment, and where its output goes.
function placeKeys(keys: RawTable, get: Get, ids: UnitIds, ctx: UnitContext) {
  const envFiles = toArray(keys.env_file).map((f) => path.resolve(ctx.dir, f));
  return {
    user: keys.user ?? null,
    group: keys.group ?? null,
    cwd: path.resolve(ctx.dir, get<string>('cwd')),
    umask: keys.umask === undefined ? null : parseUmask(keys.umask),
    env: buildEnv(keys.env ?? {}, envFiles, `${ids.keyPath}.env_file`, ctx),
    envFiles,
    clearEnv: get<boolean>('clear_env'),
    stdout: normalizeOutput(keys.stdout, ctx, defaultLogFile(ctx.logDir, ids.name, 'out')),
    stderr: keys.stderr === 'merge' ? ('merge' as const) : normalizeOutput(keys.stderr, ctx, defaultLogFile(ctx.logDir, ids.name, 'err')),
    console: { stdout: isConsole(keys.stdout), stderr: isConsole(keys.stderr) },
  } satisfies Partial<UnitSpec>;
}

// What it is watched for (files, readiness, health, memory), when it runs, and its limits.
function watchKeys(keys: RawTable, get: Get, ids: UnitIds, ctx: UnitContext) {
  const at = (key: string): string => `${ids.keyPath}.${key}`;
  return {
    watch: keys.watch === undefined ? null : normalizeWatch(keys.watch, ctx.dir),
    ready: keys.ready === undefined ? null : normalizeReady(keys.ready, at('ready'), ctx),
    health: keys.health === undefined ? null : normalizeHealth(keys.health, at('health'), ctx),
    maxMemory: keys.max_memory === undefined ? null : parseSize(keys.max_memory),
    dependsOn: keys.depends_on ?? [],
    hooks: keys.hooks === undefined ? null : normalizeHooks(keys.hooks, at('hooks'), ctx),
    schedule: keys.schedule ?? null,
    timezone: keys.timezone ?? null,
    timeoutMs: keys.timeout === undefined ? null : parseDuration(keys.timeout),
    restartStrategy: get<UnitSpec['restartStrategy']>('restart_strategy'),
    essential: get<boolean>('essential'),
    limits: keys.limits === undefined ? null : normalizeLimits(keys.limits, at('limits'), ctx.problem),
    nice: keys.nice ?? null,
    oomScoreAdj: keys.oom_score_adj ?? null,
    sockets: normalizeSockets(keys.sockets ?? {}, at('sockets'), ctx),
  } satisfies Partial<UnitSpec>;
}

/** kill_group is kill_mode's old name: one table may set one of the two, not both. */
export function checkKillKeys(table: RawTable | undefined, keyPath: string, ctx: UnitContext): void {
  if (table?.kill_mode !== undefined && table.kill_group !== undefined) {
    ctx.problem(`${keyPath}.kill_group`, 'set kill_mode or kill_group, not both: keep kill_mode (kill_group is its old name: true = "group", false = "process")');
  }
}

// The keys where per-copy values expand (per-copy.ts): an unknown `{word}` there is an error.
const COPY_KEYS = ['command', 'args', 'env', 'cwd', 'ready', 'health', 'hooks', 'stdout', 'stderr'] as const;

function checkCopyWords(keys: RawTable, keyPath: string, ctx: UnitContext): void {
  const walk = (value: unknown, at: string): void => {
    if (typeof value === 'string') for (const word of unknownCopyWords(value)) ctx.problem(at, describeUnknownWord(word));
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}[${i}]`));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, `${at}.${key}`);
  };
  for (const key of COPY_KEYS) if (keys[key] !== undefined) walk(keys[key], `${keyPath}.${key}`);
}

/** A command value (string or array) as argv; problems go to `keyPath`. */
export function toArgv(command: string | string[], keyPath: string, ctx: UnitContext): string[] | null {
  if (Array.isArray(command)) return command;
  const split = splitCommand(command);
  if (split.ok) return split.argv;
  ctx.problem(keyPath, split.message);
  return null;
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function defaultLogFile(logDir: string, unit: string, stream: 'out' | 'err'): string {
  return path.join(logDir, `${unit}-{index}.${stream}.log`);
}

function normalizeBackoff(raw: RawTable): BackoffSpec {
  const get = <T>(key: string): T => (raw[key] !== undefined ? raw[key] : defDefault<T>('backoff', key)) as T;
  return {
    initialMs: parseDuration(get('initial')),
    maxMs: parseDuration(get('max')),
    factor: get<number>('factor'),
    jitter: get<number>('jitter'),
  };
}

// Later entries win; fromEntries (not assignment) so that no name, __proto__ included, is lost.
function buildEnv(env: RawTable, files: string[], keyPath: string, ctx: UnitContext): Record<string, string> {
  const entries: Array<[string, string]> = [];
  files.forEach((file, i) => {
    let text: string;
    try {
      text = ctx.readTextFile(file);
    } catch (error) {
      ctx.problem(`${keyPath}[${i}]`, `cannot read env file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return;
    }
    for (const [key, value] of Object.entries(parseEnv(text))) if (value !== undefined) entries.push([key, value]);
  });
  for (const [key, value] of Object.entries(env)) entries.push([key, String(value)]);
  return Object.fromEntries(entries);
}

// "console", or a table with console = true (its file is written too).
function isConsole(raw: unknown): boolean {
  return raw === 'console' || (typeof raw === 'object' && raw !== null && (raw as RawTable).console === true);
}

function normalizeOutput(raw: false | 'console' | RawTable | undefined, ctx: UnitContext, defaultFile: string): OutputSpec | null {
  if (raw === false || raw === 'console') return null;
  const table = raw ?? {};
  const get = <T>(key: string): T => (table[key] !== undefined ? table[key] : defDefault<T>('output/anyOf/1', key)) as T;
  return {
    file: table.file === undefined ? defaultFile : path.resolve(ctx.dir, table.file),
    maxSize: parseSize(get('max_size')),
    intervalMs: table.interval === undefined ? null : parseDuration(table.interval),
    keep: get<number>('keep'),
    compress: get<boolean>('compress'),
    timestamps: get<boolean>('timestamps'),
  };
}

function normalizeWatch(raw: string[] | RawTable, dir: string): WatchSpec {
  const table = Array.isArray(raw) ? { paths: raw } : raw;
  return {
    paths: (table.paths as string[]).map((p) => path.resolve(dir, p)),
    ignore: table.ignore ?? defDefault<string[]>('watch/anyOf/1', 'ignore'),
    debounceMs: parseDuration(table.debounce ?? defDefault('watch/anyOf/1', 'debounce')),
  };
}

function exactlyOne<K extends string>(raw: RawTable, kinds: readonly K[], keyPath: string, ctx: UnitContext): K | null {
  const given = kinds.filter((kind) => raw[kind] !== undefined);
  if (given.length === 1) return given[0]!;
  ctx.problem(keyPath, `give exactly one of ${kinds.join(', ')}${given.length > 1 ? ` (found ${given.join(' and ')})` : ''}`);
  return null;
}

function normalizeReady(raw: RawTable, keyPath: string, ctx: UnitContext): ReadySpec | null {
  const kind = exactlyOne(raw, ['tcp', 'http', 'log', 'fd'] as const, keyPath, ctx);
  if (kind === null) return null;
  if (kind === 'log') checkRegex(raw.log, `${keyPath}.log`, ctx);
  return {
    kind,
    target: raw[kind],
    timeoutMs: parseDuration(raw.timeout ?? defDefault('ready', 'timeout')),
    intervalMs: parseDuration(raw.interval ?? defDefault('ready', 'interval')),
  };
}

function checkRegex(source: string, keyPath: string, ctx: UnitContext): void {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.problem(keyPath, `not a valid regular expression: ${(error as Error).message}`);
  }
}

function normalizeHealth(raw: RawTable, keyPath: string, ctx: UnitContext): HealthSpec | null {
  const kind = exactlyOne(raw, ['http', 'tcp', 'exec'] as const, keyPath, ctx);
  if (kind === null) return null;
  const target = kind === 'exec' ? toArgv(raw.exec, `${keyPath}.exec`, ctx) : raw[kind];
  if (target === null) return null;
  const get = (key: string): any => raw[key] ?? defDefault('health', key);
  return {
    kind,
    target,
    intervalMs: parseDuration(get('interval')),
    timeoutMs: parseDuration(get('timeout')),
    retries: get('retries'),
    startPeriodMs: parseDuration(get('start_period')),
  };
}

function normalizeHooks(raw: RawTable, keyPath: string, ctx: UnitContext): HooksSpec {
  const hook = (key: string): string[] | null => (raw[key] === undefined ? null : toArgv(raw[key], `${keyPath}.${key}`, ctx));
  return {
    beforeStart: hook('before_start'),
    afterStart: hook('after_start'),
    afterExit: hook('after_exit'),
    onFatal: hook('on_fatal'),
    timeoutMs: parseDuration(raw.timeout ?? defDefault('hooks', 'timeout')),
  };
}

function normalizeSockets(raw: Record<string, string>, keyPath: string, ctx: UnitContext): SocketSpec[] {
  const specs: SocketSpec[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const parsed = parseSocketAddress(name, value, ctx.dir);
    if (!parsed.ok) ctx.problem(`${keyPath}.${name}`, parsed.message);
    else if (specs.some((s) => s.address === parsed.spec.address)) ctx.problem(`${keyPath}.${name}`, `${parsed.spec.address} is already in this table`);
    else specs.push(parsed.spec);
  }
  return specs;
}
