// The normalized, frozen config: every default applied, every duration in ms, every size in
// bytes, every path absolute. Plain data only, so two configs compare structurally (diff.ts).
import type { ListenAddress } from './listen-address.js';

export type RestartPolicy = 'always' | 'on-failure' | 'never';
/** SPEC section 3, kill_mode: who gets the stop signal, `supd signal` and the final SIGKILL. */
export type KillMode = 'mixed' | 'group' | 'process';

/** Rotation and placement of one output stream of one process. */
export interface OutputSpec {
  /** Absolute path; may still hold per-copy values (`{index}`...), filled per process (config/per-copy.ts). */
  readonly file: string;
  readonly maxSize: number;
  readonly intervalMs: number | null;
  readonly keep: number;
  readonly compress: boolean;
  readonly timestamps: boolean;
}

export interface BackoffSpec {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
}

export interface WatchSpec {
  readonly paths: readonly string[];
  readonly ignore: readonly string[];
  readonly debounceMs: number;
}

export interface ReadySpec {
  readonly kind: 'tcp' | 'http' | 'log' | 'fd';
  readonly target: string | number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export interface HealthSpec {
  readonly kind: 'http' | 'tcp' | 'exec';
  readonly target: string | readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

export interface HooksSpec {
  readonly beforeStart: readonly string[] | null;
  readonly afterStart: readonly string[] | null;
  readonly afterExit: readonly string[] | null;
  readonly onFatal: readonly string[] | null;
  readonly timeoutMs: number;
}

/** One listening socket supd binds and holds for a unit (`sockets`), handed to each copy in order from fd 3. */
export interface SocketSpec {
  /** The key in `sockets`: one of LISTEN_FDNAMES. */
  readonly name: string;
  readonly kind: 'tcp' | 'unix';
  /** `tcp://127.0.0.1:8080` or `unix:/abs/path`: what supd holds it by (two units naming it share it). */
  readonly address: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly path: string | null;
}

/**
 * A unit: a program without methods, or one method of a program. Each runs `processes`
 * copies named `<name>:<index>`; reload compares units one by one.
 */
export interface UnitSpec {
  /** `web`, or `app.mailer` for a method. */
  readonly name: string;
  readonly program: string;
  readonly method: string | null;
  /** The program and its arguments, as exec'd (no shell). */
  readonly argv: readonly string[];
  readonly processes: number;
  readonly autostart: boolean;
  readonly restart: RestartPolicy;
  readonly successExitCodes: readonly number[];
  readonly startSecsMs: number;
  readonly backoff: BackoffSpec;
  readonly maxRestarts: number;
  readonly restartWindowMs: number;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  /** Who gets signals and what is killed when the main process ends (SPEC section 3, kill_mode). */
  readonly killMode: KillMode;
  readonly user: string | number | null;
  readonly group: string | number | null;
  readonly cwd: string;
  readonly umask: number | null;
  /** env_file contents, then `env` on top; supd's own environment is added at spawn unless clearEnv. */
  readonly env: Readonly<Record<string, string>>;
  readonly envFiles: readonly string[];
  readonly clearEnv: boolean;
  readonly stdout: OutputSpec | null;
  readonly stderr: OutputSpec | 'merge' | null;
  readonly watch: WatchSpec | null;
  readonly ready: ReadySpec | null;
  readonly health: HealthSpec | null;
  readonly maxMemory: number | null;
  readonly dependsOn: readonly string[];
  readonly hooks: HooksSpec | null;
  readonly schedule: string | null;
  readonly timezone: string | null;
  readonly timeoutMs: number | null;
  readonly restartStrategy: 'all' | 'rolling';
  /** Lines of each stream also go to supd's stdout, prefixed `<name> | ` (`"console"`, or `console = true` beside a file). */
  readonly console: { readonly stdout: boolean; readonly stderr: boolean };
  /** When its processes end for good, supd stops everything and exits with that code. */
  readonly essential: boolean;
  /** rlimits set before the program runs; null: supd's own. */
  readonly limits: ResourceLimits | null;
  /** Scheduling priority -20..19; null: supd's own. */
  readonly nice: number | null;
  /** -1000..1000; null: supd's own. */
  readonly oomScoreAdj: number | null;
  /** Held listening sockets, in table order (fds 3, 4, ...); empty without `sockets`. */
  readonly sockets: readonly SocketSpec[];
}

export const LIMIT_NAMES = ['nofile', 'nproc', 'core', 'memlock', 'stack', 'cpu', 'fsize', 'as'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];
/** One rlimit in the kernel's unit (bytes, seconds, a count); null is unlimited. */
export interface LimitValue {
  readonly soft: number | null;
  readonly hard: number | null;
}
export type ResourceLimits = Readonly<Partial<Record<LimitName, LimitValue>>>;

export interface LogRotationSpec {
  readonly maxSize: number;
  readonly intervalMs: number | null;
  readonly keep: number;
  readonly compress: boolean;
}

export interface SupervisorSpec {
  readonly stateDir: string;
  readonly socket: string;
  readonly pidfile: string;
  /** The group that may use the control socket (socket_mode's group bits), or null. */
  readonly socketGroup: string | number | null;
  readonly socketMode: number;
  readonly logDir: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly shutdownTimeoutMs: number;
  readonly log: LogRotationSpec;
  /** How supd writes its own lines and the console lines of programs. */
  readonly logFormat: 'text' | 'json';
  /** `[supervisor.http]`: the metrics and dashboard listener, or null (off). */
  readonly http: HttpSpec | null;
}

/** `[supervisor.http]` (SPEC section 9). */
export interface HttpSpec {
  readonly listen: ListenAddress;
  /** The listen string as written, for messages. */
  readonly listenText: string;
  readonly allowRemote: boolean;
  /** TLS files (absolute), both or neither. */
  readonly cert: string | null;
  readonly key: string | null;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | null;
}

export type TransportSpec =
  | { readonly kind: 'smtp'; readonly url: string }
  | { readonly kind: 'sendmail'; readonly path: string }
  | { readonly kind: 'file'; readonly path: string };

export interface ReportSpec {
  readonly name: string;
  readonly schedule: string;
  readonly timezone: string | null;
  readonly to: readonly string[];
  readonly from: string | null;
  readonly subject: string;
  readonly onlyOnProblems: boolean;
  readonly transport: TransportSpec;
}

export interface AlertsSpec {
  readonly on: readonly ('fatal' | 'crash_loop' | 'unhealthy' | 'log_error')[];
  readonly to: readonly string[];
  readonly from: string | null;
  readonly minIntervalMs: number;
  readonly crashLoop: { readonly restarts: number; readonly windowMs: number };
  readonly transport: TransportSpec;
}

export interface SupdConfig {
  /** Absolute path of daemons.toml. */
  readonly file: string;
  readonly dir: string;
  readonly supervisor: SupervisorSpec;
  /** Names of the `[programs.*]` tables, in file order. */
  readonly programs: readonly string[];
  /** Every unit in file order; methods follow their program's place. */
  readonly units: readonly UnitSpec[];
  readonly reports: readonly ReportSpec[];
  readonly alerts: AlertsSpec | null;
}

export function countProcesses(config: SupdConfig): number {
  return config.units.reduce((sum, unit) => sum + unit.processes, 0);
}
