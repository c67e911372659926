// Path globs for `watch` and its `ignore`: `*` `?` `[...]` `{a,b}` within one segment, `**`
// as a whole segment for any number of them; also the globs over process names of command
// targets (src/supervisor/targets.ts). Small and ours: chokidar 4 dropped globs, Node's
// path.matchesGlob is experimental and missing before 20.17 (supd runs on >= 20.12), and
// picomatch 4 (62 KB) compiled our patterns 3.6x slower (11.0 vs 3.0 us), matched 3x slower
// (1.25 vs 0.40 us for 11 patterns) and read `[!ab]*` unlike the shell.

/** True when the text holds an unescaped glob character. */
export function hasGlob(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if ('*?[{'.includes(text[i]!)) return true;
  }
  return false;
}

/** A literal path as a glob that matches only it. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]{}\\]/g, '\\$&');
}

/** The leading segments without glob characters, unescaped: the directory to watch for a glob. */
export function globBase(pattern: string): string {
  const segments = pattern.split('/');
  const first = segments.findIndex((s) => hasGlob(s));
  const literal = first === -1 ? segments : segments.slice(0, first);
  return literal.join('/').replace(/\\(.)/g, '$1') || '/';
}

export function compileGlob(pattern: string): RegExp {
  return new RegExp(`^${translate(pattern)}$`);
}

function translate(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) out += escapeChar(glob[++i]!);
    else if (c === '*' && isGlobstar(glob, i)) {
      // `dir/**` also matches dir itself; `**/x` matches x at any depth, the top one included.
      if (i + 2 === glob.length) out = out.endsWith('/') ? `${out.slice(0, -1)}(?:/.*)?` : `${out}.*`;
      else out += '(?:[^/]*/)*';
      i += 2;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = classEnd(glob, i);
      if (end === -1) out += '\\[';
      else {
        out += translateClass(glob.slice(i + 1, end));
        i = end;
      }
    } else if (c === '{') {
      const end = braceEnd(glob, i);
      if (end === -1) out += '\\{';
      else {
        out += `(?:${splitAlternatives(glob.slice(i + 1, end)).map(translate).join('|')})`;
        i = end;
      }
    } else out += escapeChar(c);
  }
  return out;
}

function isGlobstar(glob: string, i: number): boolean {
  return glob[i + 1] === '*' && (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/');
}

function escapeChar(c: string): string {
  return c.replace(/[.+^$()|\\{}[\]*?]/g, '\\$&');
}

// `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`; never matches a slash. A `]` right after the opening
// (or after its `!`) is a member, as in the shell.
function classEnd(glob: string, open: number): number {
  let i = open + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  return glob.indexOf(']', i + 1);
}

function translateClass(body: string): string {
  const negate = body.startsWith('!') || body.startsWith('^');
  const members = (negate ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&');
  return negate ? `[^/${members}]` : `(?!/)[${members}]`;
}

function braceEnd(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '{') depth++;
    else if (body[i] === '}') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}
