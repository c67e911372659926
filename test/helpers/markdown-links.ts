// The relative links of the README and docs/ pages, and what is wrong with them: a target that
// is not a file of the repository (missing, outside it, or ignored by git), an anchor that no
// heading of the target page makes, a page that the README does not lead to.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Link {
  readonly line: number;
  readonly target: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)(?!`)[\s\S]*?[^`]\1(?!`)|(`+)(?!`)[^`]\2(?!`)/g;
const INLINE_LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm;
const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/** Markdown with fenced blocks and code spans blanked out (same length, same line breaks). */
export function proseOf(markdown: string): string {
  let fence: string | null = null;
  const lines = markdown.split('\n').map((line) => {
    const open = FENCE.exec(line);
    if (fence === null && open !== null) {
      fence = open[1]!;
      return '';
    }
    if (fence !== null) {
      if (line.trim().startsWith(fence)) fence = null;
      return '';
    }
    return line;
  });
  return lines.join('\n').replace(CODE_SPAN, (span) => span.replace(/[^\n]/g, ' '));
}

export function linksOf(markdown: string): Link[] {
  const prose = proseOf(markdown);
  const lineAt = (index: number): number => prose.slice(0, index).split('\n').length;
  const links: Link[] = [];
  for (const pattern of [INLINE_LINK, REFERENCE_DEFINITION]) {
    for (const match of prose.matchAll(pattern)) links.push({ line: lineAt(match.index), target: match[1]! });
  }
  return links.sort((a, b) => a.line - b.line);
}

/** The anchors GitHub makes for a page's headings (github-slugger's rules, duplicates numbered). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) fence = !fence;
    const heading = fence ? null : /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const text = heading[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every problem of the links of `files` (paths relative to root), as `file:line: message`. */
export function linkProblems(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const targets = new Map<string, string[]>(); // repository path -> the places that link it
  const anchored: Array<{ where: string; page: string; anchor: string }> = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    if (text.includes('../shared')) problems.push(`${file}: mentions ../shared, which is not part of the repository`);
    for (const { line, target } of linksOf(text)) {
      const where = `${file}:${line}`;
      if (EXTERNAL.test(target)) continue;
      const hash = target.indexOf('#');
      const pathPart = hash === -1 ? target : target.slice(0, hash);
      const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
      if (pathPart.startsWith('/')) {
        problems.push(`${where}: ${target}: an absolute path; link relative to the page`);
        continue;
      }
      const resolved = path.normalize(path.join(path.dirname(file), decodeURIComponent(pathPart)));
      if (resolved === '..' || resolved.startsWith(`..${path.sep}`)) {
        problems.push(`${where}: ${target}: outside the repository`);
        continue;
      }
      const absolute = path.join(root, resolved);
      if (!existsSync(absolute)) {
        problems.push(`${where}: ${target}: no such file`);
        continue;
      }
      const inRepo = resolved === '.' ? '.' : resolved.split(path.sep).join('/');
      targets.set(inRepo, [...(targets.get(inRepo) ?? []), where]);
      if (anchor !== null && anchor !== '' && statSync(absolute).isFile() && absolute.endsWith('.md')) {
        anchored.push({ where: `${where}: ${target}`, page: absolute, anchor });
      }
    }
  }
  for (const target of ignoredByGit(root, [...targets.keys()])) {
    for (const where of targets.get(target) ?? []) problems.push(`${where}: ${target}: ignored by git, so not in the repository`);
  }
  for (const { where, page, anchor } of anchored) {
    if (!anchorsOf(readFileSync(page, 'utf8')).has(anchor)) problems.push(`${where}: no heading makes #${anchor}`);
  }
  return problems;
}

/** The pages of `pages` that no chain of links from `start` reaches. */
export function unreachablePages(root: string, start: string, pages: readonly string[]): string[] {
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const { target } of linksOf(readFileSync(path.join(root, file), 'utf8'))) {
      if (EXTERNAL.test(target)) continue;
      const pathPart = target.split('#')[0]!;
      if (!pathPart.endsWith('.md')) continue;
      const next = path.normalize(path.join(path.dirname(file), decodeURIComponent(pathPart))).split(path.sep).join('/');
      if (reached.has(next) || !existsSync(path.join(root, next))) continue;
      reached.add(next);
      queue.push(next);
    }
  }
  return pages.filter((page) => !reached.has(page));
}

function ignoredByGit(root: string, paths: readonly string[]): Set<string> {
  const ignored = new Set<string>();
  if (paths.length === 0 || !existsSync(path.join(root, '.git'))) return ignored;
  const result = spawnSync('git', ['check-ignore', '--stdin'], { cwd: root, input: paths.join('\n'), encoding: 'utf8' });
  if (result.status !== 0) return ignored; // 1: nothing ignored; anything else: no git to ask
  for (const line of result.stdout.split('\n')) if (line !== '') ignored.add(line);
  return ignored;
}
