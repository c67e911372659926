// Writes an ImportResult as a daemons.toml text: a table per program, inline tables for
// nested values, every note as a comment above what it is about.
import type { ImportResult, ImportedProgram, TomlValue } from './model.js';

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

// A TOML basic string: JSON's escapes are TOML's, but for \u007f which TOML also forbids raw.
export function tomlString(text: string): string {
  return JSON.stringify(text).replace(/\u007f/g, '\\u007F');
}

export function tomlValue(value: TomlValue): string {
  if (typeof value === 'string') return tomlString(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${(value as readonly TomlValue[]).map(tomlValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, TomlValue>);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`).join(', ')} }`;
}

function comment(lines: readonly string[], prefix = ''): string[] {
  return lines.flatMap((line) => line.split('\n')).map((line) => `${prefix}# ${line}`.trimEnd());
}

function renderProgram(program: ImportedProgram): string[] {
  const out = comment(program.notes);
  const body = [`[programs.${tomlKey(program.name)}]`];
  for (const setting of program.settings) {
    body.push(...comment(setting.notes ?? []));
    body.push(`${tomlKey(setting.key)} = ${tomlValue(setting.value)}`);
  }
  if (program.disabledBecause === undefined) return [...out, ...body];
  // Commented out whole, so the user sees what it was and can bring it back by hand.
  return [...out, ...comment([`not imported: ${program.disabledBecause}`]), ...body.map((line) => (line.startsWith('#') ? line : `# ${line}`))];
}

export function renderToml(result: ImportResult): string {
  const parts: string[][] = [comment(result.header)];
  if (result.supervisor !== undefined && result.supervisor.length > 0) {
    parts.push(['[supervisor]', ...result.supervisor.flatMap((s) => [...comment(s.notes ?? []), `${tomlKey(s.key)} = ${tomlValue(s.value)}`])]);
  }
  for (const program of result.programs) parts.push(renderProgram(program));
  return `${parts.map((lines) => lines.join('\n')).filter((text) => text !== '').join('\n\n')}\n`;
}
