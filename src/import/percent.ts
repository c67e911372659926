// supervisord's %(name)s expansions (Python's %-formatting of a dict), rewritten for supd.

/** One %(name)s / %(name)d / %(name)02d reference: its name, printf width and kind. */
export interface PercentReference {
  readonly name: string;
  readonly width: string;
  readonly kind: 's' | 'd' | 'i';
}

/**
 * supervisord's %(...)s expansion, written for supd: the text between references goes
 * through `escape`, each reference through `resolve` (which escapes what it inserts, or
 * returns a supd per-copy value such as {index} as it is); `%%` is a literal `%`.
 */
export function expandPercent(text: string, escape: (text: string) => string, resolve: (ref: PercentReference) => string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/%%|%\(([^)]+)\)(-?0?\d*)([sdi])/g)) {
    out += escape(text.slice(last, match.index));
    out += match[0] === '%%' ? escape('%') : resolve({ name: match[1]!, width: match[2]!, kind: match[3] as 's' | 'd' | 'i' });
    last = match.index! + match[0].length;
  }
  return out + escape(text.slice(last));
}

/** A value in printf's %d / %02d / %s form. */
export function formatPercent(value: string | number, ref: PercentReference): string {
  if (ref.kind === 's') return String(value);
  const digits = String(Math.trunc(Number(value)));
  const pad = ref.width === '' ? 0 : Number(ref.width.replace('-', ''));
  return ref.width.startsWith('0') ? digits.padStart(pad, '0') : digits.padStart(pad, ' ');
}
