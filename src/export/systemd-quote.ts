// Quoting for systemd unit files: `%` starts a specifier and `$` a variable in Exec lines, so
// literal text doubles them; words with spaces, quotes or backslashes go in double quotes.
import type { UnitSpec } from '../config/types.js';
import { translatePerCopy } from './per-copy.js';

/** Literal text for a unit file (specifiers and variables doubled). */
export function escapeUnitText(text: string): string {
  return text.replaceAll('%', '%%').replaceAll('$', '$$$$');
}

/** One word of an Exec= line, already escaped: quoted when it has to be. */
export function quoteWord(word: string): string {
  if (word !== '' && !/[\s"'\\;]/.test(word)) return word;
  return `"${word.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

/** An Environment= assignment: the whole `KEY=value` in double quotes. */
export function quoteAssignment(key: string, value: string): string {
  return quoteWord(`${key}=${value.replaceAll('%', '%%')}`).replace(/^(?!")(.*)$/, '"$1"');
}

/** Exec= words for an argv: literal text escaped, {index} as the instance (%i). */
export function execLine(argv: readonly string[], unit: UnitSpec): string {
  return argv.map((word) => quoteWord(translatePerCopy(word, unit, escapeUnitText, '%i').text)).join(' ');
}
