// Checks a schema cannot express, on the normalized config: dependencies, cycles, log files
// shared by two processes, schedule combined with a pool.
import { nodeCron } from '../schedule/cron.js';
import { joinKey } from './key-path.js';
import { isLoopback } from './listen-address.js';
import type { KeyProblem } from './normalize.js';
import { unitForCopy } from './per-copy.js';
import { MAX_PROCESSES } from './process-count.js';
import { isHeldAddress } from './socket-address.js';
import { countProcesses, type SupdConfig, type UnitSpec } from './types.js';

export function crossCheck(config: SupdConfig): KeyProblem[] {
  return [...checkDependencies(config), ...checkLogFiles(config), ...checkSchedules(config), ...checkCronFields(config), ...checkProcessTotal(config), ...checkHttp(config), ...checkSockets(config)];
}

// SPEC section 9: the listener is loopback (or a unix socket) unless allow_remote is set, and a
// remote one speaks TLS only; cert and key come together.
function checkHttp(config: SupdConfig): KeyProblem[] {
  const http = config.supervisor.http;
  if (http === null) return [];
  const at = 'supervisor.http';
  if (http.listen.kind === 'tcp' && http.listen.port < 0) return [{ path: `${at}.listen`, message: `${http.listenText}: the port must be 0 to 65535` }];
  const problems: KeyProblem[] = [];
  if ((http.cert === null) !== (http.key === null)) problems.push({ path: `${at}.${http.cert === null ? 'cert' : 'key'}`, message: 'is required with cert and key: give both for TLS' });
  if (isLoopback(http.listen)) return problems;
  if (!http.allowRemote) {
    problems.push({ path: `${at}.listen`, message: `${http.listenText} is not a loopback address: set allow_remote = true (with cert and key for TLS), or listen on 127.0.0.1 or unix:PATH` });
  } else if (http.cert === null && http.key === null) {
    problems.push({ path: `${at}.cert`, message: `is required: a non-loopback listen (${http.listenText}) speaks TLS only (set cert and key)` });
  }
  return problems;
}

// One supd keeps at most MAX_PROCESSES processes in all, as each unit at most that many: past
// that, file descriptors and the status table stop being useful long before memory runs out.
function checkProcessTotal(config: SupdConfig): KeyProblem[] {
  const total = countProcesses(config);
  if (total <= MAX_PROCESSES) return [];
  const biggest = [...config.units].sort((a, b) => b.processes - a.processes).slice(0, 3).map((u) => `${u.name} ${u.processes}`);
  return [{ path: 'programs', message: `the processes total ${total} (${biggest.join(', ')}...); one supd runs at most ${MAX_PROCESSES}` }];
}

// A held socket always listens, so `ready.tcp` on it would pass before the program is up; and
// the notify fd of `ready.fd` must not be one of the fds the sockets take (3, 4, ...).
function checkSockets(config: SupdConfig): KeyProblem[] {
  const problems: KeyProblem[] = [];
  for (const unit of config.units) {
    if (unit.sockets.length === 0 || unit.ready === null) continue;
    const { kind, target } = unit.ready;
    const held = kind === 'tcp' ? unit.sockets.find((s) => isHeldAddress(String(target), s)) : undefined;
    if (held !== undefined) problems.push({ path: `${unitPath(unit)}.ready.tcp`, message: `${target} is the socket ${held.name} that supd holds: it always listens, so it cannot tell when the program is ready (use ready.log or ready.fd)` });
    if (kind === 'fd' && Number(target) < 3 + unit.sockets.length) {
      problems.push({ path: `${unitPath(unit)}.ready.fd`, message: `fd ${target} is taken by the sockets (fds 3 to ${2 + unit.sockets.length}): use ${3 + unit.sockets.length} or above` });
    }
  }
  return problems;
}

type CronValidator = (pattern: string) => { valid: boolean; errors: Array<{ field: string; message: string }> };
let cronValidator: CronValidator | undefined;

// node-cron's own validator, loaded only for a config that has a schedule.
function validateCron(pattern: string): string | null {
  const backwards = findBackwardRange(pattern);
  if (backwards !== null) return backwards;
  cronValidator ??= nodeCron().validateDetailed as CronValidator;
  const result = cronValidator(pattern.trim());
  if (result.valid) return null;
  return `not a valid cron expression: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || pattern}`;
}

const CRON_FIELDS = ['minute', 'hour', 'day of month', 'month', 'day of week'];

// node-cron takes `5-1` and never fires it (it expands to nothing): refuse a range that runs
// backwards, naming its field. Names (mon-fri) and steps (1-5/2) are read as cron reads them.
function findBackwardRange(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/);
  const names = fields.length === 6 ? ['second', ...CRON_FIELDS] : CRON_FIELDS;
  for (const [i, field] of fields.entries()) {
    for (const part of field.split(',')) {
      const range = /^([0-9a-z]+)-([0-9a-z]+)(?:\/[0-9]+)?$/i.exec(part);
      if (range === null) continue;
      const [from, to] = [cronValue(range[1]!), cronValue(range[2]!)];
      if (from !== null && to !== null && from > to) {
        return `the range ${range[1]}-${range[2]} in the ${names[i] ?? `field ${i + 1}`} field runs backwards (write ${range[2]}-${range[1]}, or two ranges to wrap around)`;
      }
    }
  }
  return null;
}

function cronValue(text: string): number | null {
  if (/^[0-9]+$/.test(text)) return Number(text);
  const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const word = text.slice(0, 3).toLowerCase();
  if (months.includes(word)) return months.indexOf(word) + 1;
  return days.includes(word) ? days.indexOf(word) : null;
}

function checkTimezone(zone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return null;
  } catch {
    return `unknown time zone "${zone}" (use an IANA name like "Europe/Berlin" or "UTC")`;
  }
}

function checkCronFields(config: SupdConfig): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const check = (path: string, schedule: string | null, timezone: string | null): void => {
    const cronProblem = schedule === null ? null : validateCron(schedule);
    if (cronProblem !== null) problems.push({ path: `${path}.schedule`, message: cronProblem });
    const zoneProblem = timezone === null ? null : checkTimezone(timezone);
    if (zoneProblem !== null) problems.push({ path: `${path}.timezone`, message: zoneProblem });
  };
  for (const unit of config.units) check(unitPath(unit), unit.schedule, unit.timezone);
  for (const report of config.reports) check(`reports.${report.name}`, report.schedule, report.timezone);
  return problems;
}

// Through joinKey, so a name that is no bare key is quoted (`programs.""`) and can be located.
export function unitPath(unit: Pick<UnitSpec, 'program' | 'method'>): string {
  const program = joinKey('programs', unit.program);
  return unit.method === null ? program : joinKey(joinKey(program, 'methods'), unit.method);
}

/** What the depends_on checks need: the program names and each unit's dependencies. */
interface DependencyView {
  readonly programs: readonly string[];
  readonly units: readonly Pick<UnitSpec, 'program' | 'method' | 'dependsOn'>[];
}

/**
 * The depends_on checks on the file as parsed, for a file the schema refused: so one run of
 * `supd check` reports a cycle or an unknown dependency beside the schema errors, not after
 * they are fixed. Values of the wrong type are skipped (the schema reports them).
 */
export function checkRawDependencies(data: unknown): KeyProblem[] {
  const table = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
  const names = (value: unknown): string[] | null => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null);
  const programs = table(table(data).programs);
  const units: DependencyView['units'][number][] = [];
  for (const [program, raw] of Object.entries(programs)) {
    const own = names(table(raw).depends_on) ?? [];
    const methods = Object.entries(table(table(raw).methods));
    if (methods.length === 0) units.push({ program, method: null, dependsOn: own });
    for (const [method, m] of methods) units.push({ program, method, dependsOn: names(table(m).depends_on) ?? own });
  }
  return checkDependencies({ programs: Object.keys(programs), units });
}

function checkDependencies(config: DependencyView): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const known = new Set(config.programs);
  const edges = new Map<string, Set<string>>();
  for (const unit of config.units) {
    unit.dependsOn.forEach((dep, i) => {
      if (!known.has(dep)) problems.push({ path: `${unitPath(unit)}.depends_on[${i}]`, message: `names no program: "${dep}"` });
      else if (dep === unit.program) problems.push({ path: `${unitPath(unit)}.depends_on[${i}]`, message: 'a program cannot depend on itself' });
      else (edges.get(unit.program) ?? edges.set(unit.program, new Set()).get(unit.program)!).add(dep);
    });
  }
  const cycle = findCycle(edges);
  if (cycle !== null) {
    problems.push({ path: joinKey(joinKey('programs', cycle[0]!), 'depends_on'), message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** The first cycle in a dependency graph, as a path that ends where it starts. */
export function findCycle(edges: ReadonlyMap<string, ReadonlySet<string>>): string[] | null {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (node: string): string[] | null => {
    const at = onPath.indexOf(node);
    if (at !== -1) return [...onPath.slice(at), node];
    if (done.has(node)) return null;
    onPath.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found !== null) return found;
    }
    onPath.pop();
    done.add(node);
    return null;
  };
  for (const node of [...edges.keys()].sort()) {
    const found = visit(node);
    if (found !== null) return found;
  }
  return null;
}

function checkLogFiles(config: SupdConfig): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const owners = new Map<string, string>();
  const claim = (file: string, owner: string, keyPath: string): void => {
    const previous = owners.get(file);
    if (previous === undefined) owners.set(file, owner);
    else problems.push({ path: keyPath, message: `${owner} would write the log file ${file} that ${previous} writes too (use {index} in file)` });
  };
  for (const unit of config.units) {
    for (let index = 0; index < Math.max(unit.processes, 1); index++) {
      const name = `${unit.name}:${index}`;
      const copy = unitForCopy(unit, index);
      if (copy.stdout !== null) claim(copy.stdout.file, `${name} stdout`, `${unitPath(unit)}.stdout`);
      if (copy.stderr !== null && copy.stderr !== 'merge') claim(copy.stderr.file, `${name} stderr`, `${unitPath(unit)}.stderr`);
    }
  }
  return dedupe(problems);
}

function checkSchedules(config: SupdConfig): KeyProblem[] {
  const problems: KeyProblem[] = [];
  for (const unit of config.units) {
    const at = unitPath(unit);
    if (unit.schedule !== null && unit.processes > 1) {
      problems.push({ path: `${at}.schedule`, message: `a scheduled program runs one process at a time, but processes = ${unit.processes}` });
    }
    if (unit.schedule === null && unit.timeoutMs !== null) {
      problems.push({ path: `${at}.timeout`, message: 'applies to scheduled runs only: set schedule too, or remove timeout' });
    }
    if (unit.schedule !== null && unit.essential) {
      problems.push({ path: `${at}.essential`, message: 'a scheduled program never ends for good (it waits for its next run): remove essential or schedule' });
    }
    if (unit.schedule === null && unit.timezone !== null) {
      problems.push({ path: `${at}.timezone`, message: 'applies to scheduled runs only: set schedule too, or remove timezone' });
    }
  }
  return problems;
}

function dedupe(problems: KeyProblem[]): KeyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && seen.add(p.path) !== undefined);
}
