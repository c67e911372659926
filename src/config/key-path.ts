// Key paths as errors print them: `programs.web.env.PORT`, `programs.web.args[1]`. A key that
// is not a bare TOML key is quoted the way TOML writes it (`programs."web.server"`, `""`), so
// that every path is unambiguous and can be found in the file. The TOML index, the schema
// errors and ${VAR} expansion all build paths here, so they agree.

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const SEGMENT = /\[\d+\]|"(?:[^"\\]|\\.)*"|[^.[\]"]+/g;

export function joinKey(path: string, key: string): string {
  const segment = BARE_KEY.test(key) ? key : JSON.stringify(key);
  return path === '' ? segment : `${path}.${segment}`;
}

export function joinIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** One level up: `a.b[2]` -> `a.b`, `a."x.y"` -> `a`, `a` -> `` (the root). */
export function parentKeyPath(path: string): string {
  let last = 0;
  for (const match of path.matchAll(SEGMENT)) last = match.index;
  return path.slice(0, last).replace(/\.$/, '');
}
