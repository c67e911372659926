// Names people bring from other supervisors (supervisord, PM2, systemd, docker compose) and
// the key that does the same job here, for an "unknown key" hint: edit distance alone cannot
// tell that `directory` means `cwd` or `numprocs` means `processes`. Matched case-insensitively;
// a hint is given only where its key belongs to the table (`cwd` in a program, not in [reports]).

interface ForeignName {
  readonly key: string;
  /** How the value is written here, when that is not obvious from the key. */
  readonly as?: string;
}

const k = (key: string, as?: string): ForeignName => (as === undefined ? { key } : { key, as });

const FOREIGN: Readonly<Record<string, ForeignName>> = {
  // supervisord [program:x]
  directory: k('cwd'),
  environment: k('env', 'env = { NAME = "value" }'),
  numprocs: k('processes'),
  autorestart: k('restart', 'restart = "always" | "on-failure" | "never"'),
  startsecs: k('start_secs', 'start_secs = "10s"'),
  startretries: k('max_restarts'),
  stopsignal: k('stop_signal', 'stop_signal = "SIGTERM"'),
  stopwaitsecs: k('stop_timeout', 'stop_timeout = "10s"'),
  exitcodes: k('success_exit_codes'),
  stdout_logfile: k('stdout', 'stdout = { file = "..." }'),
  stderr_logfile: k('stderr', 'stderr = { file = "..." }'),
  stdout_logfile_maxbytes: k('stdout', 'stdout = { max_size = "10M" }'),
  stdout_logfile_backups: k('stdout', 'stdout = { keep = 10 }'),
  redirect_stderr: k('stderr', 'stderr = "merge"'),
  killasgroup: k('kill_group'),
  stopasgroup: k('kill_group'),
  priority: k('depends_on'),
  // PM2 ecosystem
  script: k('command'),
  interpreter: k('command'),
  instances: k('processes'),
  max_memory_restart: k('max_memory', 'max_memory = "512M"'),
  min_uptime: k('start_secs'),
  restart_delay: k('backoff', 'backoff = { initial = "1s" }'),
  exp_backoff_restart_delay: k('backoff', 'backoff = { initial = "100ms", factor = 1.5 }'),
  kill_timeout: k('stop_timeout', 'stop_timeout = "10s"'),
  cron_restart: k('schedule'),
  ignore_watch: k('watch', 'watch = { paths = [...], ignore = [...] }'),
  out_file: k('stdout', 'stdout = { file = "..." }'),
  error_file: k('stderr', 'stderr = { file = "..." }'),
  log_file: k('stdout', 'stdout = { file = "..." }'),
  merge_logs: k('stderr', 'stderr = "merge"'),
  wait_ready: k('ready', 'ready = { fd = 3 }'),
  listen_timeout: k('ready', 'ready = { tcp = "...", timeout = "30s" }'),
  uid: k('user'),
  gid: k('group'),
  // systemd [Service]
  execstart: k('command'),
  workingdirectory: k('cwd'),
  environmentfile: k('env_file'),
  restartsec: k('backoff', 'backoff = { initial = "1s" }'),
  timeoutstopsec: k('stop_timeout'),
  killsignal: k('stop_signal'),
  killmode: k('kill_group'),
  successexitstatus: k('success_exit_codes'),
  startlimitburst: k('max_restarts'),
  startlimitintervalsec: k('restart_window'),
  memorymax: k('max_memory'),
  memorylimit: k('max_memory'),
  standardoutput: k('stdout'),
  standarderror: k('stderr'),
  execstartpre: k('hooks', 'hooks = { before_start = "..." }'),
  execstartpost: k('hooks', 'hooks = { after_start = "..." }'),
  execstoppost: k('hooks', 'hooks = { after_exit = "..." }'),
  after: k('depends_on'),
  requires: k('depends_on'),
  wants: k('depends_on'),
  // docker compose, Procfile habits
  working_dir: k('cwd'),
  workdir: k('cwd'),
  dir: k('cwd'),
  entrypoint: k('command'),
  cmd: k('command'),
  exec: k('command'),
  replicas: k('processes'),
  scale: k('processes'),
  healthcheck: k('health'),
  stop_grace_period: k('stop_timeout'),
  mem_limit: k('max_memory'),
};

/** The hint for a key another supervisor would use, if the key it means is one of `known`. */
export function foreignKeyHint(key: string, known: readonly string[]): string | null {
  const found = FOREIGN[key.toLowerCase()];
  if (found === undefined || !known.includes(found.key) || found.key === key) return null;
  return found.as === undefined ? `did you mean "${found.key}"?` : `did you mean "${found.key}"? as in ${found.as}`;
}
