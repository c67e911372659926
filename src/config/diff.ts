// What a reload changes: old units vs new units, each sorted into what it takes to apply it.
// Pure, so every kind of change is unit-tested (test/unit/config/diff.test.ts).
import { isDeepStrictEqual } from 'node:util';
import type { SupdConfig, SupervisorSpec, UnitSpec } from './types.js';

/** Keys whose change means the processes must be restarted to take it. */
export const DEFINITION_KEYS = [
  'argv', 'cwd', 'env', 'clearEnv', 'user', 'group', 'umask', 'schedule', 'timezone', 'timeoutMs',
  'limits', 'nice', 'oomScoreAdj', 'sockets',
] as const satisfies ReadonlyArray<keyof UnitSpec>;
/** Keys applied to the running processes as they are: read at the next decision (a stop reads
 * stop_signal, stop_timeout and kill_mode when it happens), so they never restart anything. */
export const LIVE_KEYS = [
  'stopSignal', 'stopTimeoutMs', 'killMode', 'autostart', 'restart', 'successExitCodes', 'startSecsMs', 'backoff', 'maxRestarts', 'restartWindowMs', 'ready', 'health', 'maxMemory',
  'dependsOn', 'hooks', 'watch', 'restartStrategy', 'envFiles', 'essential',
] as const satisfies ReadonlyArray<keyof UnitSpec>;
/** Keys that only need the log files reopened. */
export const LOG_KEYS = ['stdout', 'stderr', 'console'] as const satisfies ReadonlyArray<keyof UnitSpec>;
/** [supervisor] keys that cannot change under a running supd. */
const FIXED_SUPERVISOR_KEYS = ['stateDir', 'socket', 'pidfile', 'socketGroup', 'socketMode', 'http'] as const satisfies ReadonlyArray<keyof SupervisorSpec>;

export interface UnitDiff {
  readonly name: string;
  readonly kind: 'added' | 'removed' | 'changed' | 'unchanged';
  /** The new spec (the old one for `removed`). */
  readonly unit: UnitSpec;
  /** The definition changed: restart the processes. */
  readonly restart: boolean;
  readonly logs: boolean;
  readonly live: boolean;
  /** Old and new process counts when they differ. */
  readonly scale: { readonly from: number; readonly to: number } | null;
}

export interface ConfigDiff {
  readonly units: readonly UnitDiff[];
  /** [supervisor] keys that changed and cannot apply live (state_dir, socket, pidfile). */
  readonly refused: readonly string[];
  readonly supervisorChanged: boolean;
}

const SNAKE: Record<string, string> = { stateDir: 'state_dir', socket: 'socket', pidfile: 'pidfile', socketGroup: 'socket_group', socketMode: 'socket_mode', http: 'http' };

export function diffConfigs(oldUnits: readonly UnitSpec[], oldSupervisor: SupervisorSpec, next: SupdConfig): ConfigDiff {
  const before = new Map(oldUnits.map((u) => [u.name, u]));
  const after = new Set(next.units.map((u) => u.name));
  const units: UnitDiff[] = next.units.map((unit) => {
    const old = before.get(unit.name);
    return old === undefined ? { name: unit.name, kind: 'added', unit, restart: false, logs: false, live: false, scale: null } : diffUnit(old, unit);
  });
  for (const old of oldUnits) {
    if (!after.has(old.name)) units.push({ name: old.name, kind: 'removed', unit: old, restart: false, logs: false, live: false, scale: null });
  }
  const refused = FIXED_SUPERVISOR_KEYS.filter((k) => !isDeepStrictEqual(oldSupervisor[k], next.supervisor[k])).map((k) => `supervisor.${SNAKE[k]}`);
  const supervisorChanged = !isDeepStrictEqual({ ...oldSupervisor }, { ...next.supervisor });
  return { units, refused, supervisorChanged };
}

export function diffUnit(old: UnitSpec, next: UnitSpec): UnitDiff {
  const differs = (keys: ReadonlyArray<keyof UnitSpec>): boolean => keys.some((k) => !isDeepStrictEqual(old[k], next[k]));
  // stderr = "merge" is the child's fd 2 pointing at its stdout pipe, set when it starts.
  const restart = differs(DEFINITION_KEYS) || (old.stderr === 'merge') !== (next.stderr === 'merge');
  const logs = differs(LOG_KEYS);
  const live = differs(LIVE_KEYS);
  const scale = old.processes === next.processes ? null : { from: old.processes, to: next.processes };
  const kind = restart || logs || live || scale !== null ? 'changed' : 'unchanged';
  return { name: next.name, kind, unit: next, restart, logs, live, scale };
}

/** The line `supd reload` prints for a unit (SPEC section 5), given how many processes it restarted. */
export function describeUnitDiff(diff: UnitDiff, restarted: number): string {
  if (diff.kind === 'added' || diff.kind === 'removed' || diff.kind === 'unchanged') return `${diff.kind} ${diff.name}`;
  const scale = diff.scale === null ? '' : `${diff.scale.from} -> ${diff.scale.to}`;
  if (!diff.restart && !diff.logs && !diff.live) return `scaled ${diff.name} ${scale}`;
  const parts = [
    ...(diff.restart ? [diff.unit.schedule === null ? `restarted ${restarted}` : 're-armed, the next run uses it'] : []),
    ...(diff.scale !== null ? [`scaled ${scale}`] : []),
    ...((diff.logs || diff.live) && !diff.restart ? ['applied without restart'] : []),
  ];
  return `changed ${diff.name} (${parts.join(', ')})`;
}
