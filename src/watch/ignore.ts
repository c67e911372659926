// What a watch never reacts to: the built-in ignores (docs/watch.md), the user's `ignore`,
// and what supd itself writes (logs, socket, pidfile), which would otherwise restart a
// program that watches its whole directory on every line it prints.
import path from 'node:path';
import type { SupdConfig } from '../config/types.js';
import { copyTemplateAsGlob } from '../config/per-copy.js';
import { compileGlob, escapeGlob } from './glob.js';

/** Ignored in every watched tree: version control, dependencies, editors' swap, backup and lock files. */
export const DEFAULT_IGNORES: readonly string[] = ['.git', '.hg', '.svn', 'node_modules', '*.swp', '*.swo', '*.swx', '*~', '.#*', '#*#', '4913'];

export interface IgnoreRules {
  /** Patterns without a slash (but a trailing one): a file or directory of that name anywhere below the watched path. */
  readonly names: readonly RegExp[];
  /** Patterns with an inner slash, made absolute from the config dir: that path and everything below it. */
  readonly anchored: readonly RegExp[];
}

/** User patterns (relative to the config dir) on top of the defaults and supd's own directories. */
export function compileIgnores(patterns: readonly string[], configDir: string, own: readonly RegExp[]): IgnoreRules {
  const names: RegExp[] = [];
  const anchored = [...own];
  for (const raw of [...DEFAULT_IGNORES, ...patterns]) {
    const pattern = raw.replace(/\/+$/, '');
    if (pattern.includes('/')) anchored.push(compileGlob(`${path.resolve(configDir, pattern)}/**`));
    else if (pattern !== '') names.push(compileGlob(pattern));
  }
  return { names, anchored };
}

/** Name rules apply only below `base`, so an explicitly watched `node_modules/x` still works. */
export function isIgnored(rules: IgnoreRules, base: string, file: string): boolean {
  if (rules.anchored.some((r) => r.test(file))) return true;
  const rel = path.relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith('../')) return false;
  return rel.split('/').some((segment) => rules.names.some((r) => r.test(segment)));
}

/** Where supd writes, as rules: the log and state dirs, and every process's output file (with
 * `{index}` as any index, and its rotations). */
export function ownPathRules(config: SupdConfig): RegExp[] {
  const { logDir, stateDir } = config.supervisor;
  const files = config.units.flatMap((u) => [u.stdout, u.stderr]).flatMap((o) => (o === null || o === 'merge' ? [] : [o.file]));
  const dirs = [logDir, stateDir].map((d) => compileGlob(`${escapeGlob(d)}/**`));
  return [...dirs, ...[...new Set(files)].map((f) => compileGlob(`${copyTemplateAsGlob(f, escapeGlob)}*`))];
}
