// The `supd` binary: parse the command line, dispatch to one verb (src/cli/verbs.ts), map
// errors to exit codes. Options may stand anywhere on the line, before the verb too.
import minimist from 'minimist';
import { readFileSync } from 'node:fs';
import { errorLines, isSupdError, SupdError } from '../errors.js';
import type { Command, CommandContext } from './command.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, isKnownCode } from './exit-codes.js';
import { findVerb, overview } from './verbs.js';

const GLOBAL = { string: ['config', 'socket'], boolean: ['json', 'help', 'version'], alias: { c: 'config', h: 'help' } };
/** Global options that take a value: `-c FILE` before the verb must not make FILE the verb. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--socket']);

type Io = Pick<CommandContext, 'stdout' | 'stderr' | 'env'>;

export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  const json = argv.includes('--json');
  const at = findVerbIndex(argv);
  if (at === null) return noVerb(argv, io);
  const found = findVerb(argv[at]!);
  if (found === undefined) return fail(io, json, new SupdError('SUPD_E_USAGE', `unknown command "${argv[at]}"`), undefined);
  const { command } = await found.verb.load();
  const parsed = parseOptions([...found.args, ...argv.slice(0, at), ...argv.slice(at + 1)], command);
  if (typeof parsed === 'string') return fail(io, json, new SupdError('SUPD_E_USAGE', parsed), found.name);
  if (parsed.flags.help === true) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    // Not `...io`: spreading `process` would call its stdin getter, which opens a stream for nothing.
    return await command.run({ stdout: io.stdout, stderr: io.stderr, env: io.env, args: parsed.args, flags: parsed.flags });
  } catch (error) {
    if (!isSupdError(error)) throw error;
    return fail(io, parsed.flags.json === true, error, found.name);
  }
}

// The verb is the first word that is not an option nor a global option's value; past a word
// that is no verb, a later one that is counts (`supd -n 5 logs web`: 5 is -n's value).
function findVerbIndex(argv: readonly string[]): number | null {
  let first: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (arg === '--') break;
    else if (!arg.startsWith('-') || arg === '-') {
      if (findVerb(arg) !== undefined) return i;
      first ??= i;
    }
  }
  return first;
}

// `supd`, `supd --help`, `supd --version`, `supd -v`: the overview, the version, or an unknown option.
function noVerb(argv: readonly string[], io: Io): number | Promise<number> {
  const unknown: string[] = [];
  const flags = minimist([...argv], { ...GLOBAL, unknown: (arg) => (unknown.push(arg), false) });
  if (unknown.length > 0) {
    if (flags.json === true) return fail(io, true, new SupdError('SUPD_E_USAGE', `unknown option ${unknown[0]}`), undefined);
    io.stderr.write(`supd: unknown option ${unknown[0]}\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (flags.version === true) return main(['version', ...argv.filter((a) => a !== '--version')], io);
  if (flags.help === true) {
    io.stdout.write(overview());
    return EXIT_OK;
  }
  if (flags.json === true) return fail(io, true, new SupdError('SUPD_E_USAGE', 'no command given'), undefined);
  io.stderr.write(overview());
  return EXIT_USAGE;
}

function parseOptions(argv: readonly string[], command: Command): { args: string[]; flags: Record<string, unknown> } | string {
  const unknown: string[] = [];
  const opts = command.options ?? {};
  const parsed = minimist([...argv], {
    string: [...GLOBAL.string, ...(opts.string ?? [])],
    boolean: [...GLOBAL.boolean, ...(opts.boolean ?? [])],
    alias: { ...GLOBAL.alias, ...(opts.alias ?? {}) },
    default: { ...(opts.default ?? {}) },
    unknown: (arg) => {
      if (arg.startsWith('-') && !/^-[0-9]/.test(arg)) unknown.push(arg);
      return true;
    },
  });
  if (unknown.length > 0) return `unknown option ${unknown[0]}`;
  const { _: positional, ...flags } = parsed;
  return { args: positional.map(String), flags };
}

// Every error leaves by here: on stderr for a person (with where to read more for a usage
// error), or as {"error": {...}} on stdout with --json. A code this client does not know (a
// newer supd answered) is a protocol error: exit 1, the message kept.
function fail(io: Pick<CommandContext, 'stdout' | 'stderr'>, json: boolean, raw: SupdError, verb: string | undefined): number {
  const error = isKnownCode(raw.code)
    ? raw
    : new SupdError('SUPD_E_PROTOCOL', `${raw.message} (supd answered with error code ${String(raw.code)}, unknown to this client)`, { issues: raw.issues });
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, issues: error.issues } }, null, 2)}\n`);
  } else if (error.code === 'SUPD_E_USAGE') {
    io.stderr.write(`supd: ${error.message} (see ${verb === undefined ? 'supd --help' : `supd help ${verb}`})\n`);
  } else {
    for (const line of errorLines(error, `supd${verb === undefined ? '' : ` ${verb}`}: `)) io.stderr.write(`${line}\n`);
  }
  return exitCodeFor(error.code);
}

/** The process entry (bin/supd.js): run one command and exit with its code. */
export async function runCli(): Promise<never> {
  const code = await main(process.argv.slice(2));
  await Promise.all([drain(process.stdout), drain(process.stderr)]);
  process.exit(code);
}

// A pipe that a slow reader keeps full takes the rest of the output asynchronously, and
// process.exit() would drop it: `supd status --json | jq` lost all past the first 64 KiB.
// A reader that went away (`| head`) is no error of ours: exit quietly.
function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) return resolve();
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}
