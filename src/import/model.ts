// What every importer produces before it is written out: programs as ordered settings, each
// setting with the notes (TOML comments) that say what did not carry over and why.

export type TomlValue = string | number | boolean | readonly TomlValue[] | { readonly [key: string]: TomlValue };

export interface Setting {
  readonly key: string;
  readonly value: TomlValue;
  /** Comment lines written above the setting. */
  readonly notes?: readonly string[];
}

export interface ImportedProgram {
  readonly name: string;
  /** Comment lines above the program's table: what it came from, what did not carry over. */
  readonly notes: string[];
  readonly settings: Setting[];
  /** A program supd cannot run as it is: written commented out, with the reason. */
  readonly disabledBecause?: string;
}

export interface ImportResult {
  /** Comment lines at the top of the file. */
  readonly header: string[];
  /** `[supervisor]` settings carried over from the source's own (log dir, socket access). */
  readonly supervisor?: Setting[];
  readonly programs: ImportedProgram[];
}

export function makeProgram(name: string, notes: string[] = []): ImportedProgram {
  return { name, notes, settings: [] };
}

/** Adds a setting to a program, with optional notes above it. */
export function set(program: ImportedProgram, key: string, value: TomlValue, ...notes: string[]): void {
  program.settings.push(notes.length === 0 ? { key, value } : { key, value, notes });
}

/** A string supd takes literally: every string value may hold ${VAR} references, `$$` is a `$`. */
export function plain(text: string): string {
  return text.replaceAll('$', '$$$$');
}

/** The same for the keys where `{index}` and its kin expand too (command, args, env, cwd, log files): `{{` is a `{`. */
export function literal(text: string): string {
  return plain(text).replaceAll('{', '{{');
}

/** A program name supd accepts (letters, digits, '_' and '-'), from any other supervisor's. */
export function programName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned === '' ? 'program' : /^[A-Za-z0-9_]/.test(cleaned) ? cleaned : `p${cleaned}`;
}

/** Names made unique in order of appearance: web, web-2, web-3. */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}`;
  taken.add(candidate);
  return candidate;
}
