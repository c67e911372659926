// What the host lets supd hand its children: its own rlimits (from /proc/<pid>/limits), whether it
// is root, fs.nr_open, its own nice and oom_score_adj. checkLimitsAllowed (pure) turns a config
// asking for more into located problems, before anything starts.
import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { KeyProblem } from './normalize.js';
import type { LimitName, LimitValue, UnitSpec } from './types.js';

/** The rows of /proc/<pid>/limits, by the name supd's config gives them. */
export const PROC_LIMIT_ROWS: Readonly<Record<LimitName, string>> = {
  nofile: 'Max open files',
  nproc: 'Max processes',
  core: 'Max core file size',
  memlock: 'Max locked memory',
  stack: 'Max stack size',
  cpu: 'Max cpu time',
  fsize: 'Max file size',
  as: 'Max address space',
};

export type ProcLimits = Readonly<Record<string, LimitValue>>;

/** /proc/<pid>/limits as { row name: { soft, hard } } (null: unlimited). */
export function parseProcLimits(text: string): ProcLimits {
  const rows: Record<string, LimitValue> = {};
  for (const line of text.split('\n').slice(1)) {
    const match = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
    if (match === null) continue;
    const value = (v: string): number | null => (v === 'unlimited' ? null : Number(v));
    rows[match[1]!] = { soft: value(match[2]!), hard: value(match[3]!) };
  }
  return rows;
}

export interface HostLimits {
  /** CAP_SYS_RESOURCE (root, unless a container dropped it): may raise hard limits, lower oom_score_adj. */
  readonly canRaiseLimits: boolean;
  /** CAP_SYS_NICE: may give any nice value. */
  readonly canRaisePriority: boolean;
  readonly limits: ProcLimits;
  readonly nrOpen: number | null;
  readonly nice: number;
  readonly oomScoreAdj: number | null;
}

const CAP_SYS_NICE = 23n;
const CAP_SYS_RESOURCE = 24n;

export function readHostLimits(): HostLimits {
  const read = (file: string): string | null => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  const nrOpen = read('/proc/sys/fs/nr_open');
  const oom = read('/proc/self/oom_score_adj');
  const caps = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)$/m.exec(read('/proc/self/status') ?? '')?.[1] ?? '0'}`);
  return {
    canRaiseLimits: (caps & (1n << CAP_SYS_RESOURCE)) !== 0n,
    canRaisePriority: (caps & (1n << CAP_SYS_NICE)) !== 0n,
    limits: parseProcLimits(read('/proc/self/limits') ?? ''),
    nrOpen: nrOpen === null ? null : Number(nrOpen),
    nice: getPriority(),
    oomScoreAdj: oom === null ? null : Number(oom),
  };
}

const above = (wanted: number | null, cap: number | null): boolean => cap !== null && (wanted === null || wanted > cap);
const show = (v: number | null): string => (v === null ? 'unlimited' : String(v));

// Only CAP_SYS_RESOURCE (root, unless a container dropped it) raises a hard limit or lowers
// oom_score_adj below supd's own; nobody raises nofile past fs.nr_open; a nice below both
// supd's own and 20 - RLIMIT_NICE needs CAP_SYS_NICE.
export function checkLimitsAllowed(units: readonly UnitSpec[], host: HostLimits, pathOf: (unit: UnitSpec) => string): KeyProblem[] {
  const problems: KeyProblem[] = [];
  for (const unit of units) {
    const at = pathOf(unit);
    for (const [name, value] of Object.entries(unit.limits ?? {}) as Array<[LimitName, LimitValue]>) {
      const own = host.limits[PROC_LIMIT_ROWS[name]];
      if (!host.canRaiseLimits && own !== undefined && above(value.hard, own.hard)) {
        problems.push({ path: `${at}.limits.${name}`, message: `${show(value.hard)} is above supd's own hard limit (${show(own.hard)}); only root (CAP_SYS_RESOURCE) can raise it` });
      } else if (name === 'nofile' && above(value.hard, host.nrOpen)) {
        problems.push({ path: `${at}.limits.nofile`, message: `${show(value.hard)} is above the kernel's fs.nr_open (${host.nrOpen})` });
      }
    }
    const niceFloor = 20 - (host.limits['Max nice priority']?.soft ?? 0);
    if (!host.canRaisePriority && unit.nice !== null && unit.nice < Math.min(host.nice, niceFloor)) {
      problems.push({ path: `${at}.nice`, message: `${unit.nice} is a higher priority than supd may give (its own is ${host.nice}); only root (CAP_SYS_NICE) can` });
    }
    if (!host.canRaiseLimits && unit.oomScoreAdj !== null && host.oomScoreAdj !== null && unit.oomScoreAdj < host.oomScoreAdj) {
      problems.push({ path: `${at}.oom_score_adj`, message: `${unit.oomScoreAdj} is below supd's own (${host.oomScoreAdj}); only root (CAP_SYS_RESOURCE) can lower it` });
    }
  }
  return problems;
}
