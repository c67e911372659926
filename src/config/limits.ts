// `limits` as written (a number, a size or duration where it fits, "unlimited", or [soft, hard])
// -> each rlimit in the kernel's unit: bytes for sizes, whole seconds for cpu, a count for
// nofile and nproc; null is unlimited. Pure; the schema has checked the shapes.
import { LIMIT_NAMES, type LimitName, type LimitValue, type ResourceLimits } from './types.js';
import { parseDuration, parseSize } from './units.js';

type RawLimit = number | string;

const COUNTS: ReadonlySet<LimitName> = new Set(['nofile', 'nproc']);

function toKernelUnit(name: LimitName, value: RawLimit): number | null {
  if (value === 'unlimited') return null;
  if (COUNTS.has(name)) return value as number;
  if (name === 'cpu') return Math.ceil(parseDuration(value) / 1000);
  return parseSize(value);
}

/** The limits table normalized, or a problem per key whose soft value is above its hard one. */
export function normalizeLimits(raw: Record<string, RawLimit | RawLimit[]>, keyPath: string, problem: (path: string, message: string) => void): ResourceLimits | null {
  const limits: Partial<Record<LimitName, LimitValue>> = {};
  for (const name of LIMIT_NAMES) {
    const given = raw[name];
    if (given === undefined) continue;
    const [soft, hard] = (Array.isArray(given) ? given : [given, given]).map((v) => toKernelUnit(name, v)) as [number | null, number | null];
    if (hard !== null && (soft === null || soft > hard)) {
      problem(`${keyPath}.${name}`, `the soft limit (${soft ?? 'unlimited'}) is above the hard limit (${hard})`);
      continue;
    }
    limits[name] = { soft, hard };
  }
  return Object.keys(limits).length === 0 ? null : limits;
}
