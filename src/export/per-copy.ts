// supd's per-copy values ({index}, {name}, {program}, {method}; `{{` is a `{`) written in a
// target's terms: systemd's instance specifier %i, or nothing where replicas share one spec.
import type { UnitSpec } from '../config/types.js';

const PER_COPY = /\{\{|\{(index|name|program|method)\}/g;

/**
 * The text with its literal pieces passed through `escape` and each per-copy value through
 * `index` (for {index}; null when the target has no per-copy form).
 */
export function translatePerCopy(text: string, unit: UnitSpec, escape: (text: string) => string, index: string | null): { text: string; perCopy: boolean } {
  let out = '';
  let last = 0;
  let perCopy = false;
  for (const match of text.matchAll(PER_COPY)) {
    out += escape(text.slice(last, match.index));
    last = match.index! + match[0].length;
    if (match[0] === '{{') {
      out += escape('{');
      continue;
    }
    const word = match[1];
    if (word === 'program') out += escape(unit.program);
    else if (word === 'method') out += escape(unit.method ?? '');
    else {
      perCopy = true;
      const copy = index ?? '0';
      out += word === 'index' ? copy : `${escape(`${unit.name}:`)}${copy}`;
    }
  }
  return { text: out + escape(text.slice(last)), perCopy };
}

/** True when the text holds a per-copy value. */
export function hasPerCopy(text: string): boolean {
  return [...text.matchAll(PER_COPY)].some((m) => m[0] !== '{{');
}
