// The INI dialect supervisord reads (Python's RawConfigParser as supervisord sets it up):
// `[section]`, `key = value` or `key: value`, keys case-insensitive, full-line comments with
// `;` or `#`, inline comments after whitespace, indented lines continuing the value above.

export interface IniValue {
  readonly value: string;
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly file: string;
  readonly values: Map<string, IniValue>;
}

export class IniError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

function stripInlineComment(text: string): string {
  const match = /\s[;#]/.exec(text);
  return (match === null ? text : text.slice(0, match.index)).trim();
}

export function parseIni(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  let lastKey: string | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || /^\s*[;#]/.test(raw)) return;
    if (/^\s/.test(raw) && current !== null && lastKey !== null) {
      // A continuation line: RawConfigParser joins it to the value with a newline.
      const previous = current.values.get(lastKey)!;
      current.values.set(lastKey, { value: `${previous.value}\n${stripInlineComment(raw)}`.trim(), line: previous.line });
      return;
    }
    const header = /^\[([^\]]+)\]\s*(?:[;#].*)?$/.exec(raw.trim());
    if (header !== null) {
      current = { name: header[1]!.trim(), line, file, values: new Map() };
      sections.push(current);
      lastKey = null;
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (pair === null) throw new IniError(file, line, `cannot read this line: ${raw.trim().slice(0, 80)}`);
    if (current === null) throw new IniError(file, line, 'a setting before any [section]');
    lastKey = pair[1]!.toLowerCase();
    current.values.set(lastKey, { value: stripInlineComment(` ${pair[2]!}`), line });
  });
  return sections;
}
