// Per-copy values (SPEC section 7): `{index}`, `{name}` (`web:1`), `{program}` and `{method}`
// in command, args, env values, cwd, ready, health, hooks and log file paths, so each copy of
// a pool gets its own port, probe and log. `{{` is a literal `{`. Only `{word}` is a
// reference: `{3}` (a regex count), `{print $1}` and `${HOME}` stay as written. Pure.
import type { HooksSpec, OutputSpec, UnitSpec } from './types.js';

export const COPY_WORDS = ['index', 'name', 'program', 'method'] as const;
export type CopyWord = (typeof COPY_WORDS)[number];
export type CopyValues = Readonly<Record<CopyWord, string>>;

const REFERENCE = /\{\{|(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function copyValues(unit: Pick<UnitSpec, 'name' | 'program' | 'method'>, index: number): CopyValues {
  return { index: String(index), name: `${unit.name}:${index}`, program: unit.program, method: unit.method ?? '' };
}

/** A piece of a text: literal text, or a `{word}` reference (known or not). */
export type CopyPiece = { readonly literal: string } | { readonly word: string };

/** A text as its literal pieces and `{word}` references, in order (`{{` is a literal `{`). */
export function splitCopyText(text: string): CopyPiece[] {
  const pieces: CopyPiece[] = [];
  let last = 0;
  for (const m of text.matchAll(REFERENCE)) {
    if (m.index! > last) pieces.push({ literal: text.slice(last, m.index) });
    pieces.push(m[1] === undefined ? { literal: '{' } : { word: m[1] });
    last = m.index! + m[0].length;
  }
  if (last < text.length) pieces.push({ literal: text.slice(last) });
  return pieces;
}

export function isCopyWord(word: string): word is CopyWord {
  return (COPY_WORDS as readonly string[]).includes(word);
}

/** The text with every per-copy reference filled in; an unknown `{word}` is left as written. */
export function expandCopyValues(text: string, values: CopyValues): string {
  if (!text.includes('{')) return text;
  return splitCopyText(text)
    .map((p) => ('literal' in p ? p.literal : isCopyWord(p.word) ? values[p.word] : `{${p.word}}`))
    .join('');
}

/** The `{word}`s in a text that are no per-copy value (for a config error). */
export function unknownCopyWords(text: string): string[] {
  if (!text.includes('{')) return [];
  return splitCopyText(text).flatMap((p) => ('word' in p && !isCopyWord(p.word) ? [p.word] : []));
}

export function describeUnknownWord(word: string): string {
  return `{${word}} is not a per-copy value: use {index}, {name}, {program} or {method} (and {{ for a literal {)`;
}

/**
 * One copy's unit: every key that takes per-copy values filled in for `index`. What has no
 * reference is the unit's own (the unit itself when nothing has one), so that the copies of a
 * pool share it instead of each holding its own (memory per process).
 */
export function unitForCopy(unit: UnitSpec, index: number): UnitSpec {
  const values = copyValues(unit, index);
  const x = (text: string): string => expandCopyValues(text, values);
  const list = (items: readonly string[]): readonly string[] => sameOr(items, items.map(x));
  const filled = {
    argv: list(unit.argv),
    cwd: x(unit.cwd),
    env: sameOr(unit.env, Object.fromEntries(Object.entries(unit.env).map(([key, value]) => [key, x(value)]))),
    stdout: outputForCopy(unit.stdout, x),
    stderr: unit.stderr === 'merge' ? 'merge' : outputForCopy(unit.stderr, x),
    ready: unit.ready === null || typeof unit.ready.target !== 'string' ? unit.ready : withTarget(unit.ready, x(unit.ready.target)),
    health: unit.health === null ? null : withTarget(unit.health, typeof unit.health.target === 'string' ? x(unit.health.target) : list(unit.health.target)),
    hooks: unit.hooks === null ? null : hooksForCopy(unit.hooks, list),
  } satisfies Partial<UnitSpec>;
  const changed = (Object.keys(filled) as Array<keyof typeof filled>).some((key) => filled[key] !== unit[key]);
  return changed ? Object.freeze({ ...unit, ...filled }) : unit;
}

// The original where every value is the same (a list's items, an object's values), else the filled one.
function sameOr<T extends object>(original: T, filled: T): T {
  const [a, b] = [Object.values(original), Object.values(filled)];
  return a.length === b.length && a.every((value, i) => value === b[i]) ? original : filled;
}

function withTarget<T extends { readonly target: unknown }>(spec: T, target: T['target']): T {
  return target === spec.target ? spec : { ...spec, target };
}

function outputForCopy(output: OutputSpec | null, x: (text: string) => string): OutputSpec | null {
  if (output === null) return null;
  const file = x(output.file);
  return file === output.file ? output : { ...output, file };
}

function hooksForCopy(hooks: HooksSpec, list: (items: readonly string[]) => readonly string[]): HooksSpec {
  const one = (argv: readonly string[] | null): readonly string[] | null => (argv === null ? null : list(argv));
  return sameOr(hooks, { ...hooks, beforeStart: one(hooks.beforeStart), afterStart: one(hooks.afterStart), afterExit: one(hooks.afterExit), onFatal: one(hooks.onFatal) });
}

/** A log file template as a glob matching every copy's file (`{index}` and the rest as `*`). */
export function copyTemplateAsGlob(template: string, escape: (text: string) => string): string {
  return splitCopyText(template)
    .map((p) => ('literal' in p ? escape(p.literal) : '*'))
    .join('');
}
