// The config pipeline's parsers are needed while a config loads (start, reload, check) and
// never between: the schema validator (329 KB of generated code), smol-toml, and the syntax
// tree parser for a config with problems. Required inside transientModules(), they are
// forgotten when it ends (their require.cache entries deleted, no reference kept), so the
// daemon's heap does not hold their source and code for its whole life; the next load
// requires them again (a few ms). Loading is synchronous, so nothing else can require a module
// in between and lose it.
import { createRequire } from 'node:module';

let scope: NodeJS.Require | null = null;

/** Runs `use`; every module first required during it (by loadTransient or by those) is forgotten afterwards. */
export function transientModules<T>(use: () => T): T {
  if (scope !== null) return use();
  // A require of its own: the parent it makes lists what it loads, and is dropped with it.
  const load = createRequire(import.meta.url);
  const before = new Set(Object.keys(load.cache));
  scope = load;
  try {
    return use();
  } finally {
    scope = null;
    for (const key of Object.keys(load.cache)) if (!before.has(key)) delete load.cache[key];
  }
}

/** require(id), relative to this module's directory (the bundle's, once bundled) or a package. */
export function loadTransient<T>(id: string): T {
  return (scope ?? createRequire(import.meta.url))(id) as T;
}
