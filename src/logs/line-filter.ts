// `supd logs --since 10m --grep RE`: which lines to show. A line passes --grep when the regex
// matches it; --since when its time is not before the cutoff: the ISO time at its start
// (`timestamps = true`), else the time of the file it is in (a rotated file's stamp is when it
// was closed: a file closed before the cutoff holds only older lines). Pure.
import { SupdError } from '../errors.js';
import { parseStamp, type RotatedFile } from './rotated-files.js';

export interface LineFilter {
  /** Epoch ms: lines from before are left out. */
  readonly sinceMs: number | null;
  readonly grep: RegExp | null;
}

const STAMPED = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

export function isFiltering(filter: LineFilter | undefined): filter is LineFilter {
  return filter !== undefined && (filter.sinceMs !== null || filter.grep !== null);
}

/** Whether a rotated file can hold a line at or after the cutoff. */
export function mayHoldRecent(file: RotatedFile, filter: LineFilter): boolean {
  return filter.sinceMs === null || !(parseStamp(file.stamp) < filter.sinceMs);
}

export function keepLine(line: string, filter: LineFilter): boolean {
  if (filter.sinceMs !== null) {
    const m = STAMPED.exec(line);
    if (m !== null && Date.parse(m[1]!) < filter.sinceMs) return false;
  }
  return filter.grep === null || filter.grep.test(line);
}

/** The lines of a text that pass (the text is whole lines, but for perhaps a last piece). */
export function filterLines(text: Buffer, filter: LineFilter): Buffer {
  const whole = text.length > 0 && text[text.length - 1] === 0x0a;
  const lines = text.toString('utf8').split('\n');
  if (whole) lines.pop();
  const kept = lines.filter((line) => keepLine(line, filter));
  return Buffer.from(kept.map((line, i) => (i < kept.length - 1 || whole ? `${line}\n` : line)).join(''));
}

/** A --grep pattern as a RegExp; an invalid one is a usage error that names it. */
export function parseGrep(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new SupdError('SUPD_E_USAGE', `--grep ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`);
  }
}
