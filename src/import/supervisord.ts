// supervisord's INI -> daemons.toml: [program:x] sections (with [include]d files and
// [group:x] notes), supervisord's %(...)s expansions, and its keys mapped to ours; anything
// without a counterpart becomes a comment saying why.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileGlob, globBase, hasGlob } from '../watch/glob.js';
import { parseIni, type IniSection } from './ini.js';
import { expandPercent } from './percent.js';
import { makeProgram, plain, programName, uniqueName, type ImportResult, type ImportedProgram, type Setting } from './model.js';
import { mapProgramKeys } from './supervisord-keys.js';

export interface SupervisordInput {
  readonly file: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Reads the file and every file its [include] names, in supervisord's order. */
export function readSupervisordSections(file: string, seen = new Set<string>()): IniSection[] {
  const absolute = path.resolve(file);
  if (seen.has(absolute)) return [];
  seen.add(absolute);
  const sections = parseIni(readFileSync(absolute, 'utf8'), absolute);
  const out: IniSection[] = [];
  for (const section of sections) {
    out.push(section);
    if (section.name !== 'include') continue;
    const files = section.values.get('files');
    if (files === undefined) continue;
    for (const pattern of files.value.split(/\s+/).filter(Boolean)) {
      for (const included of expandInclude(pattern, path.dirname(absolute))) out.push(...readSupervisordSections(included, seen));
    }
  }
  return out;
}

// [include] files: globs relative to the including file's directory, each match in sorted order.
function expandInclude(pattern: string, dir: string): string[] {
  const absolute = path.resolve(dir, pattern);
  if (!hasGlob(absolute)) return [absolute];
  const base = globBase(absolute);
  const matcher = compileGlob(absolute);
  let names: string[];
  try {
    names = readdirRecursive(base).map((name) => path.join(base, name));
  } catch {
    return [];
  }
  return names.filter((name) => matcher.test(name)).sort();
}

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String);
}

export function importSupervisord(input: SupervisordInput): ImportResult {
  const sections = readSupervisordSections(input.file);
  const header = [`Imported by \`supd import\` from ${path.basename(input.file)} (supervisord).`, 'Check it with `supd check`; every setting that did not carry over has a comment saying why.'];
  const groups = collectGroups(sections);
  const taken = new Set<string>();
  const supervisor: Setting[] = [];
  const programs: Array<{ priority: number; program: ImportedProgram }> = [];
  for (const section of sections) {
    const [kind, rawName] = splitSectionName(section.name);
    if (kind === 'program' || kind === 'fcgi-program' || kind === 'eventlistener') {
      const program = mapProgram(section, rawName!, kind, groups.get(rawName!) ?? null, input.env, taken);
      programs.push({ priority: Number(section.values.get('priority')?.value ?? 999) || 999, program });
    } else {
      supervisor.push(...mapSupervisorSection(kind, section));
      const note = sectionNote(kind, section);
      if (note !== null) header.push(note);
    }
  }
  // supervisord starts in priority order: keep that order in the file (supd itself starts
  // unrelated programs in parallel; depends_on is how to order them).
  programs.sort((a, b) => a.priority - b.priority);
  return { header, supervisor, programs: programs.map((p) => p.program) };
}

function splitSectionName(name: string): [string, string | undefined] {
  const colon = name.indexOf(':');
  return colon === -1 ? [name, undefined] : [name.slice(0, colon), name.slice(colon + 1)];
}

function collectGroups(sections: readonly IniSection[]): Map<string, string> {
  const groups = new Map<string, string>();
  for (const section of sections) {
    const [kind, name] = splitSectionName(section.name);
    if (kind !== 'group' || name === undefined) continue;
    for (const member of (section.values.get('programs')?.value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) groups.set(member, name);
  }
  return groups;
}

function sectionNote(kind: string, section: IniSection): string | null {
  const where = `[${section.name}] (${path.basename(section.file)}:${section.line})`;
  switch (kind) {
    case 'supervisord':
      return `${where}: supervisord's own settings (but childlogdir) have no counterpart; supd's are in [supervisor] (state_dir, log_dir, log_level, shutdown_timeout).`;
    case 'unix_http_server':
    case 'inet_http_server':
    case 'supervisorctl':
    case 'rpcinterface':
      return `${where}: not needed: the supd CLI talks to supd over its own socket, <state_dir>/supd.sock (chmod and chown become socket_mode and socket_group).`;
    case 'group': {
      const members = section.values.get('programs')?.value ?? '';
      return `${where}: groups are not a supd concept; act on its programs together with several targets or a glob (supd restart ${members.split(',').map((s) => s.trim()).filter(Boolean).join(' ')}).`;
    }
    case 'include':
      return null;
    default:
      return `${where}: not a section supd knows; left out.`;
  }
}

function mapProgram(
  section: IniSection,
  rawName: string,
  kind: string,
  group: string | null,
  env: Readonly<Record<string, string | undefined>>,
  taken: Set<string>,
): ImportedProgram {
  const name = uniqueName(programName(rawName), taken);
  const origin = `from [${section.name}] in ${path.basename(section.file)}:${section.line}${group === null ? '' : `, of [group:${group}]`}`;
  const program = makeProgram(name, [origin]);
  if (name !== rawName) program.notes.push(`renamed from "${rawName}": a supd name is letters, digits, '_' and '-'`);
  const values: Record<string, string> = {
    program_name: rawName,
    group_name: group ?? rawName,
    here: path.dirname(section.file),
    ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => [`ENV_${k}`, v!])),
  };
  const result = mapProgramKeys(section, program, values);
  if (kind === 'fcgi-program') {
    return { ...result, disabledBecause: 'an fcgi-program needs supervisord to hold a FastCGI socket for its processes; supd passes no FastCGI socket (run the FastCGI server with its own listener, e.g. php-fpm -F)' };
  }
  if (kind === 'eventlistener') {
    return { ...result, disabledBecause: "an eventlistener speaks supervisord's event protocol on stdin/stdout, which supd does not have; supd's [alerts] and [reports] mail on fatal, crash loops and health failures" };
  }
  return result;
}

// What of supervisord's own sections has a supd counterpart: the AUTO child log dir, and who
// may use the control socket (chmod / chown of [unix_http_server]).
function mapSupervisorSection(kind: string, section: IniSection): Setting[] {
  const get = (key: string): string | undefined => section.values.get(key)?.value;
  const where = `[${section.name}]`;
  if (kind === 'supervisord') {
    const dir = get('childlogdir');
    if (dir === undefined) return [];
    const here = path.dirname(section.file);
    const value = expandPercent(dir, plain, (ref) => (ref.name === 'here' ? plain(here) : ref.name.startsWith('ENV_') ? `\${${ref.name.slice(4)}}` : plain(`%(${ref.name})${ref.width}${ref.kind}`)));
    return [{ key: 'log_dir', value, notes: [`childlogdir of ${where}: where the programs' own log files go (and supd.log)`] }];
  }
  if (kind !== 'unix_http_server') return [];
  const settings: Setting[] = [];
  const mode = get('chmod');
  const group = get('chown')?.split(':')[1];
  if (group !== undefined && group !== '') settings.push({ key: 'socket_group', value: plain(group), notes: [`chown of ${where}: members of this group may use supd's socket`] });
  if (mode !== undefined && /^0?[0-7][0-7]0$/.test(mode)) settings.push({ key: 'socket_mode', value: mode.padStart(4, '0'), notes: [`chmod of ${where}`] });
  else if (mode !== undefined) settings.push({ key: 'socket_mode', value: `0${mode.slice(-3, -1)}0`, notes: [`chmod = ${mode} of ${where}: supd never gives others access to its socket`] });
  return settings;
}
