// The keys of one supervisord [program:x] section, mapped to supd's; each key either becomes
// a setting or a note that says why it did not carry over.
import { hostname } from 'node:os';
import path from 'node:path';
import type { IniSection } from './ini.js';
import { literal, plain, set, type ImportedProgram, type TomlValue } from './model.js';
import { shlexSplit } from './shlex.js';
import { expandPercent, formatPercent, type PercentReference } from './percent.js';

type Expand = (text: string, perCopy: boolean) => string;

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** The expansion of one program's values: %(process_num)d becomes {index} where supd has per-copy values. */
function makeExpand(values: Readonly<Record<string, string>>, numprocs: number, start: number, notes: Set<string>): Expand {
  return (text, perCopy) =>
    expandPercent(text, perCopy ? literal : plain, (ref) => {
      if (ref.name === 'process_num') return processNum(ref, numprocs, start, perCopy, notes);
      if (ref.name.startsWith('ENV_')) return `\${${ref.name.slice(4)}}`; // supd reads its environment at start, as supervisord does
      if (ref.name === 'host_node_name') {
        notes.add(`%(host_node_name)s was filled in with this machine's name (${hostname()})`);
        return (perCopy ? literal : plain)(hostname());
      }
      const value = values[ref.name];
      if (value === undefined) {
        notes.add(`%(${ref.name})${ref.kind} is not a supervisord expansion: left as it was`);
        return (perCopy ? literal : plain)(`%(${ref.name})${ref.width}${ref.kind}`);
      }
      return (perCopy ? literal : plain)(formatPercent(value, ref));
    });
}

// {index} counts from 0 like process_num with numprocs_start = 0; %(process_num)02d pads,
// which {index} can only do with a fixed prefix: fine while every index has one digit.
function processNum(ref: PercentReference, numprocs: number, start: number, perCopy: boolean, notes: Set<string>): string {
  if (!perCopy) {
    notes.add('%(process_num) in a key without per-copy values: the first copy\'s number was used');
    return formatPercent(start, ref);
  }
  if (start !== 0) notes.add(`numprocs_start = ${start}: supd numbers copies from 0, so {index} counts from 0 where process_num counted from ${start}`);
  const pad = ref.width === '' ? 0 : Number(ref.width.replace('-', ''));
  if (pad <= 1 || ref.kind === 's') return '{index}';
  if (String(numprocs - 1).length === 1 && ref.width.startsWith('0')) return `${'0'.repeat(pad - 1)}{index}`;
  notes.add(`%(process_num)${ref.width}d pads to ${pad} digits: supd's {index} is not padded`);
  return '{index}';
}

function bool(text: string): boolean | null {
  const lower = text.toLowerCase();
  return TRUE.has(lower) ? true : FALSE.has(lower) ? false : null;
}

function seconds(text: string): string | null {
  return /^\d+$/.test(text.trim()) ? `${Number(text)}s` : null;
}

/** supervisord's byte sizes: 1024, "50KB", "10MB", "1GB". */
function size(text: string): string | number | null {
  const match = /^\s*(\d+)\s*(KB|MB|GB)?\s*$/i.exec(text);
  if (match === null) return null;
  return match[2] === undefined ? Number(match[1]) : `${match[1]}${match[2][0]!.toUpperCase()}`;
}

/** `KEY="val",KEY2=val2` (quotes keep commas in a value), as supervisord's environment. */
export function parseEnvironment(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq === -1) throw new Error(`expected KEY=value at "${text.slice(i).trim()}"`);
    const key = text.slice(i, eq).trim().replace(/^,/, '').trim();
    let j = eq + 1;
    while (text[j] === ' ') j++;
    let value = '';
    if (text[j] === '"' || text[j] === "'") {
      const end = text.indexOf(text[j]!, j + 1);
      if (end === -1) throw new Error(`unterminated quote in the value of ${key}`);
      value = text.slice(j + 1, end);
      j = end + 1;
      while (j < text.length && text[j] !== ',') j++;
    } else {
      const end = text.indexOf(',', j);
      value = text.slice(j, end === -1 ? text.length : end).trim();
      j = end === -1 ? text.length : end;
    }
    pairs.push([key, value]);
    i = j + 1;
  }
  return pairs;
}

export function mapProgramKeys(section: IniSection, program: ImportedProgram, values: Readonly<Record<string, string>>): ImportedProgram {
  const get = (key: string): string | undefined => section.values.get(key)?.value;
  const numprocs = Number(get('numprocs') ?? '1');
  const notes = new Set<string>();
  const expand = makeExpand(values, Number.isInteger(numprocs) ? numprocs : 1, Number(get('numprocs_start') ?? '0'), notes);
  const handled = new Set<string>();
  const take = (key: string): string | undefined => {
    handled.add(key);
    return get(key);
  };
  mapCommand(take('command'), program, expand);
  mapCounts(take, program, numprocs);
  mapRestart(take, program);
  mapStop(take, program);
  mapPlace(take, program, expand);
  mapLogs(take, program, expand, numprocs);
  for (const [key, { value, line }] of section.values) {
    if (handled.has(key)) continue;
    program.notes.push(`${key} = ${value} (line ${line}): ${unmappedReason(key)}`);
  }
  program.notes.push(...notes);
  return program;
}

function mapCommand(command: string | undefined, program: ImportedProgram, expand: Expand): void {
  if (command === undefined) {
    program.notes.push('no command in this section: supervisord would refuse it too');
    set(program, 'command', ['true']);
    return;
  }
  let words: string[];
  try {
    words = shlexSplit(command);
  } catch (error) {
    program.notes.push(`command could not be split (${(error as Error).message}): kept as one word`);
    words = [command];
  }
  const operators = words.filter((w) => ['&&', '||', '|', ';', '>', '<', '2>&1'].includes(w));
  set(program, 'command', words.map((w) => expand(w, true)), ...(operators.length > 0 ? [`supervisord ran no shell either: ${operators.join(' ')} reach the program as arguments; write ["sh", "-c", "..."] if a shell was meant`] : []));
}

function mapCounts(take: (key: string) => string | undefined, program: ImportedProgram, numprocs: number): void {
  take('numprocs_start');
  if (take('numprocs') !== undefined) set(program, 'processes', Number.isInteger(numprocs) && numprocs >= 0 ? numprocs : 1);
  const name = take('process_name');
  if (name !== undefined && !/^%\(program_name\)s(_?%\(process_num\)\d*[sd])?$/.test(name.replace(/[-_:]/g, '_'))) {
    program.notes.push(`process_name = ${name}: supd names its copies <program>:<index> (${program.name}:0, ${program.name}:1, ...)`);
  }
  const autostart = take('autostart');
  if (autostart !== undefined && bool(autostart) !== null) set(program, 'autostart', bool(autostart)!);
  const priority = take('priority');
  if (priority !== undefined) program.notes.push(`priority = ${priority}: programs are listed in priority order; supd starts unrelated programs together (use depends_on to order them)`);
}

function mapRestart(take: (key: string) => string | undefined, program: ImportedProgram): void {
  const autorestart = take('autorestart');
  const lower = autorestart?.toLowerCase();
  if (lower === 'unexpected') set(program, 'restart', 'on-failure');
  else if (lower !== undefined && bool(lower) !== null) set(program, 'restart', bool(lower) ? 'always' : 'never');
  const exitcodes = take('exitcodes');
  if (exitcodes !== undefined) set(program, 'success_exit_codes', exitcodes.split(',').map((c) => Number(c.trim())).filter((c) => Number.isInteger(c)));
  const startsecs = take('startsecs');
  if (startsecs !== undefined && seconds(startsecs) !== null) set(program, 'start_secs', seconds(startsecs)!);
  const retries = take('startretries');
  if (retries !== undefined && /^\d+$/.test(retries)) {
    set(program, 'max_restarts', Number(retries), `startretries = ${retries}: supervisord gives up after that many failed starts in a row; supd counts every automatic respawn within restart_window (1m) and backs off 1s, 2s, 4s ... between early exits`);
  }
}

function mapStop(take: (key: string) => string | undefined, program: ImportedProgram): void {
  const signal = take('stopsignal');
  if (signal !== undefined) set(program, 'stop_signal', `SIG${signal.toUpperCase().replace(/^SIG/, '')}`);
  const wait = take('stopwaitsecs');
  if (wait !== undefined && seconds(wait) !== null) set(program, 'stop_timeout', seconds(wait)!);
  const stopAsGroup = bool(take('stopasgroup') ?? 'false');
  const killAsGroup = bool(take('killasgroup') ?? 'false');
  if (stopAsGroup === true) set(program, 'kill_mode', 'group', 'stopasgroup = true: the stop signal and SIGKILL go to every process of the program');
  else if (killAsGroup === true) set(program, 'kill_mode', 'mixed', 'killasgroup = true: the stop signal to the main process, SIGKILL to every process');
}

function mapPlace(take: (key: string) => string | undefined, program: ImportedProgram, expand: Expand): void {
  const user = take('user');
  if (user !== undefined) set(program, 'user', plain(user));
  const directory = take('directory');
  if (directory !== undefined) set(program, 'cwd', expand(directory, true));
  const umask = take('umask');
  if (umask !== undefined && /^0?[0-7]{3}$/.test(umask)) set(program, 'umask', umask.slice(-3));
  const environment = take('environment');
  if (environment === undefined) return;
  try {
    const env: Record<string, TomlValue> = {};
    for (const [key, value] of parseEnvironment(environment)) env[key] = expand(value, true);
    set(program, 'env', env);
  } catch (error) {
    program.notes.push(`environment = ${environment}: could not be read (${(error as Error).message})`);
  }
}

function mapLogs(take: (key: string) => string | undefined, program: ImportedProgram, expand: Expand, numprocs: number): void {
  const merged = bool(take('redirect_stderr') ?? 'false') === true;
  const stdout = mapStream('stdout', take, program, expand, numprocs);
  if (stdout !== undefined) set(program, 'stdout', stdout);
  if (merged) {
    set(program, 'stderr', 'merge', 'redirect_stderr = true: stderr goes to the stdout log, in order');
    if (take('stderr_logfile') !== undefined) program.notes.push('stderr_logfile is ignored with redirect_stderr = true, as in supervisord');
    for (const key of ['stderr_logfile_maxbytes', 'stderr_logfile_backups']) take(key);
    return;
  }
  const stderr = mapStream('stderr', take, program, expand, numprocs);
  if (stderr !== undefined) set(program, 'stderr', stderr);
}

// One stream's logfile keys: AUTO is supd's default file, NONE discards, /dev/stdout is supd's own stdout.
function mapStream(stream: 'stdout' | 'stderr', take: (key: string) => string | undefined, program: ImportedProgram, expand: Expand, numprocs: number): TomlValue | undefined {
  const file = take(`${stream}_logfile`);
  const maxbytes = take(`${stream}_logfile_maxbytes`);
  const backups = take(`${stream}_logfile_backups`);
  for (const extra of ['capture_maxbytes', 'events_enabled', 'syslog']) {
    const value = take(`${stream}_${extra}`);
    if (value !== undefined) program.notes.push(`${stream}_${extra} = ${value}: supd has no ${extra.replace('_', ' ')} for logs`);
  }
  if (file === undefined || file.toUpperCase() === 'AUTO') return rotation({}, maxbytes, backups);
  if (file.toUpperCase() === 'NONE') return false;
  if (['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', '/dev/stderr', '/dev/fd/2', '/proc/self/fd/2'].includes(file)) {
    // supervisord's way to reach the container's console: supd's is "console" (prefixed lines on its stdout).
    if (maxbytes !== undefined && size(maxbytes) !== 0) program.notes.push(`${stream}_logfile_maxbytes = ${maxbytes}: a console is not rotated`);
    return 'console';
  }
  let target = expand(file, true);
  if (numprocs > 1 && !target.includes('{index}')) {
    const ext = path.extname(target);
    target = `${target.slice(0, target.length - ext.length)}-{index}${ext}`;
    program.notes.push(`${stream}_logfile: each copy needs its own file in supd, so -{index} was added to the name`);
  }
  return rotation({ file: target }, maxbytes, backups);
}

function rotation(base: Record<string, TomlValue>, maxbytes: string | undefined, backups: string | undefined): TomlValue | undefined {
  const table = { ...base };
  const bytes = maxbytes === undefined ? null : size(maxbytes);
  if (bytes !== null) table.max_size = bytes;
  if (backups !== undefined && /^\d+$/.test(backups)) table.keep = Number(backups);
  return Object.keys(table).length === 0 ? undefined : table;
}

function unmappedReason(key: string): string {
  const reasons: Record<string, string> = {
    serverurl: 'the supd CLI finds supd by its socket; no server URL is needed',
    stdout_logfile_maxbytes: 'no log file to rotate',
  };
  return reasons[key] ?? 'not a key supd has; left out';
}
