// `supd describe`: one process's whole record. Its unit's config after defaults, written back
// in the config's own words (snake_case keys, "10s" durations, "10M" sizes) so it can be
// compared with the file; env values hidden (they may hold secrets, as in status and logs).
import type { DescribeRecord } from '../control/protocol.js';
import type { UnitSpec } from '../config/types.js';
import type { ProcessHistory } from './history.js';
import { describeProcess, type StatusLookups } from './status.js';
import type { ProcessView } from './view.js';

export function describeRecord(proc: ProcessView, history: ProcessHistory, lookups: StatusLookups): DescribeRecord {
  // proc.unit is this copy's: per-copy values ({index}...) already filled in.
  const { unit } = proc;
  const iso = (at: number): string => new Date(at).toISOString();
  return {
    process: describeProcess(proc, lookups),
    config: displayUnit(unit),
    states: history.movesOf(proc.name).map((m) => ({ at: iso(m.at), from: m.from, to: m.to, reason: m.reason })),
    exits: history.exitsOf(proc.name).map((e) => ({ at: iso(e.at), pid: e.pid, code: e.code, signal: e.signal, uptime_s: Math.round(e.uptimeMs / 100) / 10 })),
    logs: {
      stdout: unit.stdout === null ? null : unit.stdout.file,
      stderr: unit.stderr === 'merge' ? 'merge' : unit.stderr === null ? null : unit.stderr.file,
    },
  };
}

/** A UnitSpec as config keys: `stopTimeoutMs: 10000` -> `stop_timeout: "10s"`, `argv` -> `command`. */
export function displayUnit(unit: UnitSpec): Record<string, unknown> {
  const { name: _name, program: _program, method: _method, argv, env, umask, ...rest } = unit;
  return {
    command: argv,
    ...(displayValue(rest) as Record<string, unknown>),
    env: Object.fromEntries(Object.keys(env).map((key) => [key, '(hidden)'])),
    umask: umask === null ? null : `0${umask.toString(8).padStart(3, '0')}`,
  };
}

function displayValue(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => displayValue(v));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const isDuration = k.endsWith('Ms');
        const plain = isDuration ? k.slice(0, -2) : k;
        return [plain.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), isDuration && typeof v === 'number' ? duration(v) : displayValue(v, k)];
      }),
    );
  }
  if (typeof value === 'number' && (key === 'maxMemory' || key === 'maxSize')) return size(value);
  return value;
}

// The largest unit that says it exactly: 60000 -> "1m", 1500 -> "1500ms".
function duration(ms: number): string {
  for (const [unit, factor] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % factor === 0 && ms > 0) return `${ms / factor}${unit}`;
  return `${ms}ms`;
}

function size(bytes: number): string | number {
  for (const [unit, factor] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) if (bytes % factor === 0 && bytes > 0) return `${bytes / factor}${unit}`;
  return bytes;
}
