// A tiny TOML writer for tests that build configs as objects: tables as [headers], the tables
// under INLINE keys (env, backoff...) and tables inside arrays as inline tables.
export type TomlValue = string | number | boolean | Date | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

const INLINE = new Set(['env', 'backoff', 'crash_loop', 'stdout', 'stderr', 'watch', 'ready', 'health', 'hooks', 'log']);

export function toToml(doc: TomlTable): string {
  const out: string[] = [];
  writeTable(doc, [], out);
  return out.join('\n') + '\n';
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

function writeTable(table: TomlTable, path: string[], out: string[]): void {
  const headers: Array<[string, TomlTable]> = [];
  if (path.length > 0) out.push(`[${path.map(formatKey).join('.')}]`);
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value) && !INLINE.has(key)) headers.push([key, value]);
    else out.push(`${formatKey(key)} = ${formatValue(value)}`);
  }
  for (const [key, value] of headers) writeTable(value, [...path, key], out);
}

export function formatKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function formatValue(value: TomlValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return `{ ${Object.entries(value).map(([k, v]) => `${formatKey(k)} = ${formatValue(v)}`).join(', ')} }`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}
