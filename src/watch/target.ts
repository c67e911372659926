// One entry of `watch.paths` as what to watch and what counts as its change. A plain path is
// that file, or that directory and everything below it; a glob matches the paths it names,
// and is watched from its literal leading directories (`config/*.json`: config/, not below).
import { compileGlob, escapeGlob, globBase, hasGlob } from './glob.js';

export interface WatchTarget {
  /** Absolute: the path itself, or a glob's literal leading directories. */
  readonly base: string;
  /** Whether directories below base must be watched too. */
  readonly descend: boolean;
  /** Matches the absolute paths whose change counts. */
  readonly pattern: RegExp;
}

/** From an absolute path or glob (normalizeWatch made it absolute). */
export function planTarget(absolute: string): WatchTarget {
  if (!hasGlob(absolute)) return { base: absolute, descend: true, pattern: compileGlob(`${escapeGlob(absolute)}/**`) };
  const segments = absolute.split('/');
  const rest = segments.slice(segments.findIndex((s) => hasGlob(s)));
  return { base: globBase(absolute), descend: rest.length > 1 || rest.includes('**'), pattern: compileGlob(absolute) };
}

/** `file` is `base` or a directory above it: its creation or removal moves the watch. */
export function isAtOrAbove(file: string, base: string): boolean {
  return file === base || base.startsWith(file.endsWith('/') ? file : `${file}/`);
}

export function isBelow(file: string, dir: string): boolean {
  return file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}
