// TOML with places, through public APIs only. `toml` is the authority (TOML 1.1, line and
// column in its errors), but its generated parser takes 200-600 ms on a 1,000-program file.
// smol-toml parses the same file in 20-70 ms, so a document is first parsed with smol-toml;
// only when that fails (a syntax error, or TOML 1.1 that smol-toml does not know) does `toml`
// parse it. The index from key paths to lines (which ajv's errors and our own checks point at)
// comes from toml-eslint-parser's syntax tree, built only for a config with problems. All three
// are required when used and let go after each load (transient-require.ts); smol-toml and
// toml-eslint-parser as smol-toml.cjs and toml-syntax.cjs, CommonJS files of scripts/bundle.js.
import type { AST } from 'toml-eslint-parser';
import type { ConfigIssue } from '../errors.js';
import { joinIndex, joinKey, parentKeyPath } from './key-path.js';
import { loadTransient } from './transient-require.js';

type SmolToml = typeof import('smol-toml');

interface Place {
  line: number;
  column: number;
}

/** Where a key path (`programs.web.processes`) stands in the file. */
export interface KeyIndex {
  locate(path: string): Place | undefined;
}

export type ParsedToml = { ok: true; data: Record<string, unknown>; index: KeyIndex } | { ok: false; issue: ConfigIssue };

export function parseToml(text: string, file: string): ParsedToml {
  let data = tryFastParse(text);
  if (data === null) {
    try {
      data = slowParse(text);
    } catch (error) {
      return { ok: false, issue: syntaxIssue(error, file) };
    }
  }
  return { ok: true, data, index: lazyIndex(text) };
}

// Loaded only for a document smol-toml refuses (its generated parser is 114 KB to compile).
function slowParse(text: string): Record<string, unknown> {
  const toml = loadTransient<typeof import('toml')>('toml');
  return toml.parse(text) as Record<string, unknown>;
}

function tryFastParse(text: string): Record<string, unknown> | null {
  const { parse, TomlDate } = loadTransient<SmolToml>('./smol-toml.cjs');
  try {
    return likeToml(parse(text), TomlDate) as Record<string, unknown>;
  } catch {
    return null;
  }
}

// smol-toml returns every date and time as a Date; `toml` returns only offset date-times as
// Dates and local ones as strings. Make the fast result the same as the authority's.
function likeToml(value: unknown, TomlDate: SmolToml['TomlDate']): unknown {
  if (value instanceof TomlDate) return value.isLocal() ? value.toISOString() : new Date(value.getTime());
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = likeToml(value[i], TomlDate);
  } else if (value !== null && typeof value === 'object') {
    const table = value as Record<string, unknown>;
    for (const key of Object.keys(table)) {
      const item = table[key];
      if (item !== null && typeof item === 'object') table[key] = likeToml(item, TomlDate);
    }
  }
  return value;
}

function syntaxIssue(error: unknown, file: string): ConfigIssue {
  const e = error as { message?: string; line?: number; column?: number; location?: { start: { line: number; column: number } } };
  const line = e.location?.start.line ?? e.line ?? 1;
  const column = e.location?.start.column ?? e.column ?? 1;
  return { file, line, column, message: String(e.message ?? error) };
}

// Only a config with problems needs places: a valid one skips building the index (a tenth of
// `supd check` on a large file).
function lazyIndex(text: string): KeyIndex {
  let index: KeyIndex | undefined;
  const build = (): KeyIndex => {
    try {
      const { parseTOML } = loadTransient<typeof import('toml-eslint-parser')>('./toml-syntax.cjs');
      return indexKeys(parseTOML(text, { tomlVersion: '1.1' }));
    } catch {
      return { locate: () => undefined };
    }
  };
  return { locate: (path) => (index ??= build()).locate(path) };
}

type Note = (path: string, at: AST.HasLocs) => void;

function indexKeys(program: AST.TOMLProgram): KeyIndex {
  const places = new Map<string, Place>();
  const note: Note = (path, at) => {
    if (!places.has(path)) places.set(path, { line: at.loc.start.line, column: at.loc.start.column + 1 });
  };
  for (const node of program.body[0].body) {
    if (node.type === 'TOMLKeyValue') {
      indexKeyValue('', node, note);
      continue;
    }
    const table = noteResolved(node.resolvedKey, node, note);
    for (const entry of node.body) indexKeyValue(table, entry, note);
  }
  return {
    locate(path) {
      for (let p = path; p !== ''; p = parentKeyPath(p)) {
        const place = places.get(p);
        if (place !== undefined) return place;
      }
      return undefined;
    },
  };
}

/** Notes each path from `from` down through `keys` (`[[a.b]]`: a, a.b, a.b[n]) at one place; returns the last. */
function noteResolved(keys: ReadonlyArray<string | number>, at: AST.HasLocs, note: Note, from = ''): string {
  let path = from;
  for (const key of keys) note((path = typeof key === 'number' ? joinIndex(path, key) : joinKey(path, key)), at);
  return path;
}

function indexKeyValue(table: string, node: AST.TOMLKeyValue, note: Note): void {
  const names = node.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
  indexValue(noteResolved(names, node, note, table), node.value, note);
}

function indexValue(path: string, value: AST.TOMLContentNode, note: Note): void {
  if (value.type === 'TOMLInlineTable') {
    for (const entry of value.body) indexKeyValue(path, entry, note);
  } else if (value.type === 'TOMLArray') {
    value.elements.forEach((item, i) => {
      note(joinIndex(path, i), item);
      indexValue(joinIndex(path, i), item, note);
    });
  }
}
