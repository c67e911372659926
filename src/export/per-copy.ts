// supd's per-copy values ({index}, {name}, {program}, {method}; `{{` is a `{`) written in a
// target's terms: systemd's instance specifier %i, or nothing where replicas share one spec.
// The text is split by supd's own expander (config/per-copy.ts), so both read it alike.
import { isCopyWord, splitCopyText } from '../config/per-copy.js';
import type { UnitSpec } from '../config/types.js';

/**
 * The text with its literal pieces passed through `escape` and each per-copy value through
 * `index` (for {index}; null when the target has no per-copy form).
 */
export function translatePerCopy(text: string, unit: UnitSpec, escape: (text: string) => string, index: string | null): { text: string; perCopy: boolean } {
  let out = '';
  let perCopy = false;
  for (const piece of splitCopyText(text)) {
    if ('literal' in piece || !isCopyWord(piece.word)) out += escape('literal' in piece ? piece.literal : `{${piece.word}}`);
    else if (piece.word === 'program') out += escape(unit.program);
    else if (piece.word === 'method') out += escape(unit.method ?? '');
    else {
      perCopy = true;
      const copy = index ?? '0';
      out += piece.word === 'index' ? copy : `${escape(`${unit.name}:`)}${copy}`;
    }
  }
  return { text: out, perCopy };
}

/** True when the text holds a per-copy value. */
export function hasPerCopy(text: string): boolean {
  return splitCopyText(text).some((p) => 'word' in p && isCopyWord(p.word));
}
