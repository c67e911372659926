// PM2's behaviour keys (counts, restarts, memory, watch, stop, readiness, logs) mapped to
// supd's; each one that works differently gets a note saying how.
import { makeProgram, literal, plain, set, type ImportedProgram, type TomlValue } from './model.js';
import { relocate, words } from './pm2.js';

interface Place {
  readonly appDir: string;
  readonly outDir: string;
  /** The written config's file name, for commands that call supd back. */
  readonly configName: string;
}

type Take = (key: string) => unknown;

/** PM2 durations: a number of milliseconds, or "5s", "1m", "2h". */
function duration(value: unknown): string | null {
  if (typeof value === 'number' && value >= 0) return `${Math.round(value)}ms`;
  if (typeof value === 'string' && /^\d+(\.\d+)?(ms|s|m|h|d)?$/.test(value.trim())) return /\d$/.test(value.trim()) ? `${value.trim()}ms` : value.trim();
  return null;
}

/** PM2 sizes: "300M", "1G", "200K", or bytes. */
function size(value: unknown): string | number | null {
  if (typeof value === 'number' && value >= 0) return Math.round(value);
  if (typeof value === 'string' && /^\d+(\.\d+)?\s*[KMG]?B?$/i.test(value.trim())) return value.trim().replace(/B$/i, '').toUpperCase() || null;
  return null;
}

export function mapPm2Behaviour(take: Take, program: ImportedProgram, place: Place): ImportedProgram[] {
  const instances = mapInstances(take, program);
  mapRestart(take, program);
  mapMemoryAndStop(take, program);
  mapWatch(take, program, place);
  mapReadiness(take, program);
  mapLogs(take, program, place, instances);
  const user = take('user') ?? take('uid');
  if (user !== undefined) set(program, 'user', typeof user === 'number' ? user : plain(String(user)));
  const group = take('gid');
  if (group !== undefined) set(program, 'group', typeof group === 'number' ? group : plain(String(group)));
  return mapCronRestart(take, program, place.configName);
}

function mapInstances(take: Take, program: ImportedProgram): number {
  const raw = take('instances');
  const mode = String(take('exec_mode') ?? 'fork');
  let count = 1;
  if (raw === 'max' || raw === 0 || raw === '0') {
    set(program, 'processes', 'max', `instances = ${JSON.stringify(raw)}: one copy per CPU`);
    count = 2;
  } else if (typeof raw === 'number' && raw < 0) {
    set(program, 'processes', `max${raw}`, `instances = ${raw}: one copy per CPU, less ${-raw}`);
    count = 2;
  } else if (raw !== undefined && Number.isInteger(Number(raw)) && Number(raw) > 0) {
    count = Number(raw);
    set(program, 'processes', count);
  }
  if (mode.startsWith('cluster')) {
    program.notes.push("exec_mode = cluster: PM2's cluster module let every instance listen on one port; supd runs independent copies, so give each its own port (PORT = \"300{index}\") or bind with SO_REUSEPORT");
  }
  const instanceVar = take('instance_var');
  const name = typeof instanceVar === 'string' ? instanceVar : 'NODE_APP_INSTANCE';
  if (count > 1 || instanceVar !== undefined) addEnv(program, name, '{index}', `${name}: the copy's number, as PM2 set it (supd also sets SUPD_INDEX)`);
  const increment = take('increment_var');
  if (typeof increment === 'string') mapIncrement(program, increment, count);
  return count;
}

function addEnv(program: ImportedProgram, key: string, value: string, note: string): void {
  const existing = program.settings.find((s) => s.key === 'env');
  const env = { ...((existing?.value ?? {}) as Record<string, TomlValue>), [key]: value };
  if (existing !== undefined) program.settings.splice(program.settings.indexOf(existing), 1);
  set(program, 'env', env, note);
}

// increment_var adds the copy's number to a numeric env value; {index} can only be appended.
function mapIncrement(program: ImportedProgram, key: string, count: number): void {
  const env = (program.settings.find((s) => s.key === 'env')?.value ?? {}) as Record<string, TomlValue>;
  const base = String(env[key] ?? '');
  if (/^\d*0$/.test(base) && base !== '' && count <= 10) addEnv(program, key, `${base.slice(0, -1)}{index}`, `increment_var = ${key}: ${base} + the copy's number`);
  else program.notes.push(`increment_var = ${key}: supd cannot add the copy's number to ${base || 'an unset value'}; write ${key} = "<prefix>{index}"`);
}

function mapRestart(take: Take, program: ImportedProgram): void {
  const stopCodes = take('stop_exit_codes');
  if (take('autorestart') === false) set(program, 'restart', 'never');
  else if (stopCodes !== undefined) {
    set(program, 'restart', 'on-failure', 'stop_exit_codes: these exits are not restarted');
    set(program, 'success_exit_codes', (Array.isArray(stopCodes) ? stopCodes : [stopCodes]).map(Number).filter(Number.isInteger));
  }
  const max = take('max_restarts');
  if (typeof max === 'number' && max >= 0) set(program, 'max_restarts', max, 'max_restarts: PM2 counts unstable restarts (before min_uptime) in a row; supd counts every automatic respawn within restart_window (1m)');
  const minUptime = duration(take('min_uptime'));
  if (minUptime !== null) set(program, 'start_secs', minUptime);
  const delay = duration(take('restart_delay'));
  const expDelay = duration(take('exp_backoff_restart_delay'));
  if (expDelay !== null) set(program, 'backoff', { initial: expDelay, factor: 1.5, max: '15s' }, 'exp_backoff_restart_delay: PM2 grows the delay 1.5x up to 15 s; supd does so after exits before start_secs, and restarts a process that ran longer at once');
  else if (delay !== null) set(program, 'backoff', { initial: delay, factor: 1, max: delay }, 'restart_delay: supd waits this long after exits before start_secs; a process that ran longer restarts at once');
}

function mapMemoryAndStop(take: Take, program: ImportedProgram): void {
  const memory = size(take('max_memory_restart'));
  if (memory !== null) set(program, 'max_memory', memory, 'max_memory_restart: supd compares the PSS of the whole process tree');
  const kill = duration(take('kill_timeout'));
  if (kill !== null) set(program, 'stop_timeout', kill);
  if (take('treekill') === false) set(program, 'kill_mode', 'process', 'treekill = false: signals go to the main process only');
}

function mapWatch(take: Take, program: ImportedProgram, place: Place): void {
  const watch = take('watch');
  const ignore = take('ignore_watch');
  const delay = duration(take('watch_delay'));
  if (watch === undefined || watch === false) {
    if (ignore !== undefined) program.notes.push('ignore_watch without watch: nothing to ignore');
    return;
  }
  const paths = watch === true ? ['.'] : words(watch);
  const table: Record<string, TomlValue> = { paths: paths.map((p) => plain(relocate(p, place.appDir, place.outDir))) };
  const ignored = words(ignore);
  const regexes = ignored.filter((p) => /[\\^$()+|]/.test(p));
  if (ignored.length > regexes.length) table.ignore = ignored.filter((p) => !regexes.includes(p)).map((p) => plain(p.includes('/') || p.includes('*') ? p : `**/${p}/**`));
  if (delay !== null) table.debounce = delay;
  set(program, 'watch', table, ...(regexes.length > 0 ? [`ignore_watch ${regexes.join(', ')}: regular expressions; supd ignores by glob, rewrite them as globs`] : []));
}

function mapReadiness(take: Take, program: ImportedProgram): void {
  const waitReady = take('wait_ready');
  const listenTimeout = duration(take('listen_timeout'));
  if (waitReady === true) {
    program.notes.push(`wait_ready: PM2 waited for process.send('ready'); with supd, add ready = { fd = 3${listenTimeout === null ? '' : `, timeout = "${listenTimeout}"`} } and write a line to fd 3 (SUPD_NOTIFY_FD) when ready, or ready = { tcp = "127.0.0.1:PORT" }`);
  } else if (listenTimeout !== null) program.notes.push(`listen_timeout = ${listenTimeout}: with a ready check, supd's is ready.timeout`);
}

function mapLogs(take: Take, program: ImportedProgram, place: Place, instances: number): void {
  const merge = take('merge_logs') === true || take('combine_logs') === true;
  const stamp = take('log_date_format') !== undefined || take('time') === true;
  const combined = take('log_file') ?? take('log');
  if (combined !== undefined) program.notes.push(`log_file = ${JSON.stringify(combined)}: supd keeps stdout and stderr apart (stderr = "merge" puts both in the stdout log)`);
  if (merge && instances > 1) program.notes.push('merge_logs: supd gives each copy its own file ({index} in the name)');
  for (const [key, stream] of [['out_file', 'stdout'], ['error_file', 'stderr']] as const) {
    const value = take(key) ?? take(stream === 'stdout' ? 'output' : 'error');
    if (value === '/dev/null' || value === 'NULL') {
      set(program, stream, false);
      continue;
    }
    const table: Record<string, TomlValue> = {};
    if (typeof value === 'string') {
      let file = relocate(value, place.appDir, place.outDir);
      if (instances > 1) file = file.replace(/(\.[^./]*)?$/, (ext) => `-{index}${ext}`);
      table.file = literal(file).replaceAll('{{index}', '{index}');
    }
    if (stamp) table.timestamps = true;
    if (Object.keys(table).length > 0) set(program, stream, table, ...(stamp && stream === 'stdout' ? ['log_date_format/time: supd stamps lines in ISO-8601 UTC'] : []));
  }
}

// cron_restart restarts a running app on a schedule: a scheduled program that asks supd to.
function mapCronRestart(take: Take, program: ImportedProgram, configName: string): ImportedProgram[] {
  const cron = take('cron_restart');
  if (typeof cron !== 'string' || cron.trim() === '') return [];
  const job = makeProgram(`${program.name}-cron-restart`, [`cron_restart = "${cron}" of ${program.name}: a scheduled program that restarts it (supd is on PATH)`]);
  set(job, 'command', ['supd', 'restart', program.name, '-c', literal(configName)]);
  set(job, 'schedule', plain(cron.trim()));
  return [job];
}
