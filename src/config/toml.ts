// TOML with places: the `toml` package's own parser and compiler, called separately so that
// the syntax tree (which carries an offset for every key and value) also gives us an index
// from key paths to lines, which ajv's errors and our own checks point at.
//
// `toml` is the authority (TOML 1.1, line and column in its errors), but its generated parser
// takes 200-600 ms on a 1,000-program file. smol-toml parses the same file in 20-70 ms, so a
// document is first parsed with smol-toml; only when that fails (a syntax error, or TOML 1.1
// that smol-toml does not know) does `toml` parse it, and `toml` alone builds the key index,
// which only a config with problems needs.
import { createRequire } from 'node:module';
import { parse as fastParse, TomlDate } from 'smol-toml';
import type { ConfigIssue } from '../errors.js';
import { joinIndex, joinKey, parentKeyPath } from './key-path.js';

const require = createRequire(import.meta.url);
const tomlParser = require('toml/lib/parser') as { parse(text: string): TomlNode[] };
const tomlCompiler = require('toml/lib/compiler') as { compile(nodes: TomlNode[], text: string): unknown };

interface TomlNode {
  type: string;
  offset: number;
  key?: string[];
  value: unknown;
}

/** Where a key path (`programs.web.processes`) stands in the file. */
export interface KeyIndex {
  locate(path: string): { line: number; column: number } | undefined;
}

export type ParsedToml = { ok: true; data: Record<string, unknown>; index: KeyIndex } | { ok: false; issue: ConfigIssue };

export function parseToml(text: string, file: string): ParsedToml {
  const fast = tryFastParse(text);
  if (fast !== null) return { ok: true, data: fast, index: lazyIndex(() => tomlParser.parse(text), text) };
  let nodes: TomlNode[];
  let data: unknown;
  try {
    nodes = tomlParser.parse(text);
    data = tomlCompiler.compile(nodes, text);
  } catch (error) {
    return { ok: false, issue: syntaxIssue(error, file) };
  }
  return { ok: true, data: data as Record<string, unknown>, index: lazyIndex(() => nodes, text) };
}

function tryFastParse(text: string): Record<string, unknown> | null {
  try {
    return likeToml(fastParse(text)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

// smol-toml returns every date and time as a Date; `toml` returns only offset date-times as
// Dates and local ones as strings. Make the fast result the same as the authority's.
function likeToml(value: unknown): unknown {
  if (value instanceof TomlDate) return value.isLocal() ? value.toISOString() : new Date(value.getTime());
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = likeToml(value[i]);
  } else if (value !== null && typeof value === 'object') {
    const table = value as Record<string, unknown>;
    for (const key of Object.keys(table)) {
      const item = table[key];
      if (item !== null && typeof item === 'object') table[key] = likeToml(item);
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
function lazyIndex(nodes: () => TomlNode[], text: string): KeyIndex {
  let index: KeyIndex | undefined;
  const build = (): KeyIndex => {
    try {
      return indexKeys(nodes(), text);
    } catch {
      return { locate: () => undefined };
    }
  };
  return { locate: (path) => (index ??= build()).locate(path) };
}

function indexKeys(nodes: TomlNode[], text: string): KeyIndex {
  const offsets = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  const note = (path: string, offset: number): void => {
    if (!offsets.has(path)) offsets.set(path, offset);
  };
  let table = '';
  for (const node of nodes) {
    if (node.type === 'ObjectPath') {
      table = noteKeys('', node.value as string[], node.offset, note);
    } else if (node.type === 'ArrayPath') {
      const base = noteKeys('', node.value as string[], node.offset, note);
      const n = arrayCounts.get(base) ?? 0;
      arrayCounts.set(base, n + 1);
      table = joinIndex(base, n);
      note(table, node.offset);
    } else if (node.type === 'Assign') {
      indexAssign(table, node, note);
    }
  }
  const lineStarts = computeLineStarts(text);
  return {
    locate(path) {
      for (let p = path; p !== ''; p = parentKeyPath(p)) {
        const offset = offsets.get(p);
        if (offset !== undefined) return offsetToLineColumn(lineStarts, offset);
      }
      return undefined;
    },
  };
}

function indexAssign(table: string, node: TomlNode, note: (path: string, offset: number) => void): void {
  indexValue(noteKeys(table, node.key ?? [], node.offset, note), node.value as TomlNode, note);
}

function indexValue(path: string, value: TomlNode, note: (path: string, offset: number) => void): void {
  if (value.type === 'InlineTable') {
    for (const entry of value.value as TomlNode[]) indexAssign(path, entry, note);
  } else if (value.type === 'Array') {
    (value.value as TomlNode[]).forEach((item, i) => {
      note(joinIndex(path, i), item.offset);
      indexValue(joinIndex(path, i), item, note);
    });
  }
}

/** Notes each path from `table` down through `keys` at `offset`; returns the last. */
function noteKeys(table: string, keys: readonly string[], offset: number, note: (path: string, offset: number) => void): string {
  let path = table;
  for (const key of keys) note((path = joinKey(path, key)), offset);
  return path;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetToLineColumn(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}
