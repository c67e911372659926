// The JSON schema is the single source of truth for keys and defaults: the validator is
// compiled from it at build time, and the normalizer reads its defaults from here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** schemas/daemons.schema.json, from the package root (this file runs as dist/src/config/schema.js). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../schemas/daemons.schema.json', import.meta.url));

type SchemaNode = Record<string, unknown>;
let cached: SchemaNode | undefined;

export function loadSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;
  return cached;
}

/** The node at a JSON pointer like `#/$defs/backoff/properties/initial`. */
export function schemaAt(pointer: string): SchemaNode {
  let node: unknown = loadSchema();
  for (const part of pointer.replace(/^#\//, '').split('/')) {
    node = (node as SchemaNode | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (node === undefined || node === null || typeof node !== 'object') throw new Error(`no schema at ${pointer}`);
  return node as SchemaNode;
}

const defaults = new Map<string, unknown>();

/**
 * The `default` of the key at `pointer`, following a `$ref` when the key itself has none. Looked
 * up once per pointer (the normalizer asks for each key of each unit) and frozen, so a caller
 * can share it but not change it.
 */
export function schemaDefault<T>(pointer: string): T {
  if (!defaults.has(pointer)) defaults.set(pointer, deepFreezeCopy(lookUpDefault(pointer)));
  return defaults.get(pointer) as T;
}

function lookUpDefault(pointer: string): unknown {
  let node = schemaAt(pointer);
  for (let hops = 0; !('default' in node) && typeof node.$ref === 'string' && hops < 8; hops++) node = schemaAt(node.$ref);
  if (!('default' in node)) throw new Error(`schema has no default at ${pointer}`);
  return node.default;
}

function deepFreezeCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const copy = Array.isArray(value) ? value.map(deepFreezeCopy) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepFreezeCopy(v)]));
  return Object.freeze(copy);
}

/** Shorthands for the places the normalizer reads defaults from. */
export const processKeyDefault = <T>(key: string): T => schemaDefault<T>(`#/$defs/processKeys/properties/${key}`);
export const defDefault = <T>(def: string, key: string): T => schemaDefault<T>(`#/$defs/${def}/properties/${key}`);
