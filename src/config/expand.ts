// `${VAR}` and `${VAR:-default}` in every string value, from supd's environment; `$$` is a
// literal `$`. Runs on the raw TOML data before validation, so an unset variable is
// reported at the key that uses it.
import { joinIndex, joinKey } from './key-path.js';

const REFERENCE = /\$\$|\$\{([^}]*)\}|\$\{/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ExpandResult {
  readonly data: unknown;
  readonly problems: ReadonlyArray<{ path: string; message: string }>;
}

export function expandVariables(data: unknown, env: Readonly<Record<string, string | undefined>>): ExpandResult {
  const problems: Array<{ path: string; message: string }> = [];
  // The path is built only for a problem: most values have none, and a large file has many.
  const walk = (value: unknown, path: () => string): unknown => {
    if (typeof value === 'string') return expandString(value, env, (message) => problems.push({ path: path(), message }));
    if (Array.isArray(value)) return value.map((item, i) => walk(item, () => joinIndex(path(), i)));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setKey(out, key, walk(item, () => joinKey(path(), key)));
      return out;
    }
    return value;
  };
  return { data: walk(data, () => ''), problems };
}

// Defined, not assigned, when the key is __proto__: assigning it would set the prototype.
function setKey(table: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
  else table[key] = value;
}

export function expandString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  report: (message: string) => void,
): string {
  if (!text.includes('$')) return text;
  return text.replace(REFERENCE, (match, inner: string | undefined) => {
    if (match === '$$') return '$';
    if (inner === undefined) {
      report('"${" without a closing "}"');
      return match;
    }
    const sep = inner.indexOf(':-');
    const name = sep === -1 ? inner : inner.slice(0, sep);
    if (!NAME.test(name)) {
      report(`"\${${inner}}" is not a variable reference: use \${NAME} or \${NAME:-default} (and $$ for a literal $)`);
      return match;
    }
    const value = env[name];
    if (sep !== -1) {
      // The match ends at the first "}", so a nested reference would leave a stray "}" behind.
      const fallback = inner.slice(sep + 2);
      if (fallback.includes('${')) {
        report(`the default of \${${name}:-...} cannot hold another \${...}: nested references are not supported`);
        return match;
      }
      return value === undefined || value === '' ? fallback.replaceAll('$$', '$') : value;
    }
    if (value === undefined) {
      report(`environment variable ${name} is not set (give a default with \${${name}:-value})`);
      return match;
    }
    return value;
  });
}

