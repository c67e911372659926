// PM2's ecosystem apps -> daemons.toml: one program per app, its keys mapped to ours, and a
// note for each one supd does without or does differently.
import path from 'node:path';
import { makeProgram, programName, set, literal, uniqueName, type ImportResult, type ImportedProgram, type TomlValue } from './model.js';
import { mapPm2Behaviour } from './pm2-keys.js';

export interface Pm2Input {
  readonly file: string;
  readonly apps: readonly unknown[];
  /** Top-level keys beside apps. */
  readonly others?: readonly string[];
  /** `--env production` picks env_production over env. */
  readonly envName: string | null;
  /** Where the written daemons.toml will be: its relative paths are relative to it. */
  readonly outDir: string;
  readonly configName: string;
}

type App = Record<string, unknown>;

const INTERPRETERS: Readonly<Record<string, string>> = {
  '.js': 'node', '.cjs': 'node', '.mjs': 'node', '.py': 'python3', '.rb': 'ruby', '.php': 'php', '.sh': 'bash', '.pl': 'perl', '.ts': 'ts-node', '.coffee': 'coffee',
};

export function importPm2(input: Pm2Input): ImportResult {
  const header = [`Imported by \`supd import\` from ${path.basename(input.file)} (PM2)${input.envName === null ? '' : ` with env_${input.envName}`}.`, 'Check it with `supd check`; every setting that did not carry over has a comment saying why.'];
  for (const key of input.others ?? []) header.push(key === 'deploy' ? "deploy: PM2's deployment recipes are not a supervisor's job (use your deploy tool, then supd reload)" : `${key}: not a PM2 key supd knows; left out`);
  const taken = new Set<string>();
  const programs: ImportedProgram[] = [];
  input.apps.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      header.push(`apps[${i}] is not an object: left out`);
      return;
    }
    programs.push(...mapApp(raw as App, i, input, taken));
  });
  return { header, programs };
}

export function words(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value.trim() === '') return [];
  return value.trim().split(/\s+/);
}

/** A path of the source (relative to the app's cwd) as the written config will see it. */
export function relocate(file: string, appDir: string, outDir: string): string {
  const absolute = path.resolve(appDir, file);
  const relative = path.relative(outDir, absolute);
  // Beside or below the config: relative, so the two can move together; elsewhere: absolute.
  return relative === '' ? '.' : relative.startsWith('..') ? absolute : relative;
}

function mapApp(app: App, i: number, input: Pm2Input, taken: Set<string>): ImportedProgram[] {
  const sourceDir = path.dirname(path.resolve(input.file));
  const script = typeof app.script === 'string' ? app.script : null;
  const rawName = typeof app.name === 'string' && app.name !== '' ? app.name : script === null ? `app${i}` : path.basename(script, path.extname(script));
  const program = makeProgram(uniqueName(programName(rawName), taken), [`from apps[${i}]${typeof app.name === 'string' ? ` (${app.name})` : ''} in ${path.basename(input.file)}`]);
  if (program.name !== rawName) program.notes.push(`renamed from "${rawName}": a supd name is letters, digits, '_' and '-'`);
  const appDir = typeof app.cwd === 'string' ? path.resolve(sourceDir, app.cwd) : sourceDir;
  const handled = new Set(['name', 'script']);
  const take = (key: string): unknown => {
    handled.add(key);
    return app[key];
  };
  if (script === null) {
    program.notes.push('no script: PM2 would refuse this app too');
    set(program, 'command', ['true']);
  } else {
    set(program, 'command', commandOf(script, take, appDir, input.outDir, program).map(literal));
  }
  if (typeof app.cwd === 'string') set(program, 'cwd', literal(relocate(app.cwd, sourceDir, input.outDir)));
  take('cwd');
  mapEnv(take, input.envName, program, app);
  const extra = mapPm2Behaviour(take, program, { appDir, outDir: input.outDir, configName: input.configName });
  for (const key of Object.keys(app)) {
    if (!handled.has(key) && !/^env_/.test(key)) program.notes.push(`${key} = ${JSON.stringify(app[key])}: ${pm2Reason(key)}`);
  }
  return [program, ...extra];
}

// script + interpreter + its args + args, as PM2 builds the command line.
function commandOf(script: string, take: (key: string) => unknown, appDir: string, outDir: string, program: ImportedProgram): string[] {
  const interpreter = take('interpreter') ?? take('exec_interpreter');
  const interpreterArgs = [...words(take('interpreter_args')), ...words(take('node_args'))];
  const args = words(take('args'));
  const isPath = script.includes('/') || script.includes('.');
  const scriptPath = isPath ? relocate(script, appDir, outDir) : script;
  const chosen = interpreter === undefined ? INTERPRETERS[path.extname(script)] ?? 'none' : String(interpreter);
  if (chosen === 'none') return [scriptPath.includes('/') || !isPath ? scriptPath : `./${scriptPath}`, ...args];
  if (interpreter === undefined && chosen !== 'node') program.notes.push(`PM2 ran ${path.extname(script)} scripts with its default interpreter: ${chosen} was assumed`);
  return [chosen, ...interpreterArgs, scriptPath, ...args];
}

function mapEnv(take: (key: string) => unknown, envName: string | null, program: ImportedProgram, app: App): void {
  const base = take('env');
  const chosen = envName === null ? undefined : app[`env_${envName}`];
  const envs = Object.keys(app).filter((k) => /^env_/.test(k));
  const env: Record<string, TomlValue> = {};
  for (const table of [base, chosen]) {
    if (table === null || typeof table !== 'object') continue;
    for (const [key, value] of Object.entries(table as Record<string, unknown>)) env[key] = literal(typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (Object.keys(env).length > 0) set(program, 'env', env);
  const skipped = envs.filter((k) => k !== `env_${envName}`);
  if (skipped.length > 0) program.notes.push(`${skipped.join(', ')}: not imported (pick one with supd import --env ${skipped[0]!.slice(4)})`);
  if (envName !== null && chosen === undefined) program.notes.push(`no env_${envName} in this app: only env was imported`);
}

function pm2Reason(key: string): string {
  const reasons: Record<string, string> = {
    namespace: 'supd has no namespaces: target programs by name or glob',
    vizion: 'PM2 tracks git metadata; supd does not',
    source_map_support: 'a Node flag: put --enable-source-maps in the command if wanted',
    force: 'supd never starts a second copy of a program',
    post_update: 'deploy hooks are not supd\'s job',
    shutdown_with_message: 'supd stops with a signal (stop_signal), never a message',
    automation: 'PM2.io only',
    pmx: 'PM2.io only',
  };
  return reasons[key] ?? 'not a PM2 key supd knows; left out';
}
