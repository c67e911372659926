// The config reference in docs/configuration.md, generated from the schema so the two never
// disagree (a test compares them; `npm run docs` rewrites that section).
import { loadSchema, schemaAt } from './schema.js';

type Node = Record<string, unknown>;

export const REFERENCE_BEGIN = '<!-- config-reference:begin (generated from schemas/daemons.schema.json by `npm run docs`) -->';
export const REFERENCE_END = '<!-- config-reference:end -->';

const SECTIONS: ReadonlyArray<{ title: string; pointer: string; prefix: string }> = [
  { title: '`[supervisor]`', pointer: '#/$defs/supervisor', prefix: '' },
  { title: '`[programs.<name>]` (and `[programs.<name>.methods.<method>]`, `[defaults]`)', pointer: '#/$defs/program', prefix: '' },
  { title: '`[reports.<name>]`', pointer: '#/$defs/report', prefix: '' },
  { title: '`[alerts]`', pointer: '#/$defs/alerts', prefix: '' },
];

export function renderConfigReference(): string {
  loadSchema();
  const parts = SECTIONS.map(({ title, pointer }) => {
    const rows = collectRows(schemaAt(pointer), '');
    const table = rows.map((r) => `| \`${r.key}\` | ${r.type} | ${r.def} | ${r.description} |`).join('\n');
    return `#### ${title}\n\n| key | type | default | meaning |\n| --- | --- | --- | --- |\n${table}`;
  });
  return `${REFERENCE_BEGIN}\n${parts.join('\n\n')}\n${REFERENCE_END}`;
}

interface Row {
  key: string;
  type: string;
  def: string;
  description: string;
}

/** Every key of a table schema, with nested tables (backoff, stdout...) as dotted rows. */
export function collectRows(node: Node, prefix: string): Row[] {
  const rows: Row[] = [];
  for (const [key, raw] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    const resolved = resolve(raw);
    const name = `${prefix}${key}`;
    rows.push({ key: name, type: describeType(resolved, refChain(raw)), def: describeDefault(raw, resolved), description: escape(String(raw.description ?? resolved.description ?? '')) });
    for (const table of nestedTables(resolved)) rows.push(...collectRows(table, `${name}.`));
  }
  return rows;
}

function resolve(node: Node): Node {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 8; hops++) current = { ...schemaAt(current.$ref), ...stripRef(current) };
  return current;
}

function stripRef(node: Node): Node {
  const { $ref: _ignored, ...rest } = node;
  return rest;
}

function nestedTables(node: Node): Node[] {
  if (node.type === 'object' && node.properties !== undefined && node.additionalProperties === false) return [node];
  const branches = (node.anyOf as Node[] | undefined) ?? [];
  return branches.map(resolve).flatMap((b) => (b.anyOf !== undefined ? nestedTables(b) : b.type === 'object' && b.properties ? [b] : []));
}

// The named kinds a user knows from SPEC (duration, size, signal, cron) by the $defs they come from.
const NAMED_DEFS: Readonly<Record<string, string>> = { duration: 'duration', size: 'size', signal: 'signal', cron: 'cron', command: 'string or array' };

function refChain(node: Node): string[] {
  const names: string[] = [];
  for (let current = node, hops = 0; typeof current.$ref === 'string' && hops < 8; hops++) {
    names.push(current.$ref.split('/').at(-1)!);
    current = schemaAt(current.$ref);
  }
  return names;
}

function describeType(node: Node, refs: readonly string[] = []): string {
  const named = refs.map((r) => NAMED_DEFS[r]).find((n) => n !== undefined);
  if (named !== undefined) return named;
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(' ');
  if (node.anyOf !== undefined) return (node.anyOf as Node[]).map((b) => describeType(resolve(b))).join(' or ');
  if ('const' in node) return `\`${JSON.stringify(node.const)}\``;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const words: Record<string, string> = { object: 'table', array: 'array', string: 'string', integer: 'int', number: 'number', boolean: 'bool' };
  return types.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

function describeDefault(raw: Node, resolved: Node): string {
  const value = 'default' in raw ? raw.default : resolved.default;
  if (value === undefined) return '—';
  return `\`${formatValue(value)}\``;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k} = ${formatValue(v)}`).join(', ')} }`;
  }
  return String(value);
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
