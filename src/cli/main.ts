// The `supd` binary: parse the command line, dispatch to one verb, map errors to exit codes.
// Verbs load lazily so that `supd status` imports only what a client needs.
import minimist from 'minimist';
import { readFileSync } from 'node:fs';
import { formatIssue, isSupdError } from '../errors.js';
import type { Command, CommandContext } from './command.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from './exit-codes.js';

interface Verb {
  readonly summary: string;
  readonly load: () => Promise<{ command: Command }>;
}

const VERBS: Readonly<Record<string, Verb>> = {
  run: { summary: 'be the supervisor: foreground, or -d/--detach for the background', load: () => import('./commands/run.js') },
  check: { summary: 'validate the config and print "ok: N programs, M processes"', load: () => import('./commands/check.js') },
  status: { summary: 'show processes: name, state, pid, uptime, restarts, memory, last exit (--json)', load: () => import('./commands/status.js') },
  start: { summary: 'start targets and wait until they run', load: () => import('./commands/start.js') },
  stop: { summary: 'stop targets and wait until they exit', load: () => import('./commands/stop.js') },
  restart: { summary: 'restart targets and wait until they run', load: () => import('./commands/restart.js') },
  signal: { summary: 'send a signal to targets: supd signal HUP web', load: () => import('./commands/signal.js') },
  scale: { summary: 'change a process count at run time: supd scale web 4', load: () => import('./commands/scale.js') },
  logs: { summary: 'print the last lines of targets\' logs (-n N, --stderr), then follow them (-f)', load: () => import('./commands/logs.js') },
  reload: { summary: 're-read the config and apply only what changed (also on SIGHUP)', load: () => import('./commands/reload.js') },
  report: { summary: 'print a status report now, or --send it through its transport', load: () => import('./commands/report.js') },
  shutdown: { summary: 'stop everything and make supd exit', load: () => import('./commands/shutdown.js') },
  export: { summary: 'write the programs for systemd, k8s, compose, initd or logrotate', load: () => import('./commands/export.js') },
};

const GLOBAL = { string: ['config', 'socket'], boolean: ['json', 'help', 'version'], alias: { c: 'config', h: 'help' } };

export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function overview(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  const lines = Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`);
  return `supd: a declarative process supervisor for daemons.toml

Usage: supd <command> [target...] [options]

Commands:
${lines.join('\n')}
  help      show a command's usage: supd help <command>

Options:
  -c, --config PATH   the config file (default: $SUPD_CONFIG, ./daemons.toml, /etc/supd/daemons.toml)
  --socket PATH       the control socket (default: $SUPD_SOCKET, or from the config)
  --json              machine-readable output where a command has it
  -h, --help          this help, or a command's with a command
  --version           print supd's version

Exit codes: 0 done, 1 failed, 2 usage error or invalid config, 3 no supervisor answers.
`;
}

export async function main(argv: readonly string[], io: Pick<CommandContext, 'stdout' | 'stderr' | 'env'> = process): Promise<number> {
  const verbName = argv.find((a) => !a.startsWith('-'));
  if (verbName === undefined || verbName === 'help') return printHelp(argv, verbName, io);
  const verb = VERBS[verbName];
  if (verb === undefined) return usageError(io, `unknown command "${verbName}"`);
  const { command } = await verb.load();
  const parsed = parseOptions(argv.filter((a, i) => !(a === verbName && i === argv.indexOf(verbName))), command);
  if (typeof parsed === 'string') return usageError(io, parsed, verbName);
  if (parsed.flags.help === true) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run({ ...io, args: parsed.args, flags: parsed.flags });
  } catch (error) {
    if (!isSupdError(error)) throw error;
    for (const issue of error.issues) io.stderr.write(`${formatIssue(issue)}\n`);
    if (error.issues.length === 0) io.stderr.write(`supd ${verbName}: ${error.message}\n`);
    return exitCodeFor(error.code);
  }
}

function printHelp(argv: readonly string[], verbName: string | undefined, io: Pick<CommandContext, 'stdout' | 'stderr'>): number | Promise<number> {
  if (verbName === undefined && argv.includes('--version')) {
    io.stdout.write(`${readVersion()}\n`);
    return EXIT_OK;
  }
  const topic = verbName === 'help' ? argv.filter((a) => !a.startsWith('-'))[1] : undefined;
  if (topic === undefined) {
    io.stdout.write(overview());
    return verbName === undefined && !argv.includes('--help') && !argv.includes('-h') ? EXIT_USAGE : EXIT_OK;
  }
  const verb = VERBS[topic];
  if (verb === undefined) return usageError(io, `unknown command "${topic}"`);
  return verb.load().then(({ command }) => {
    io.stdout.write(`${command.usage}\n`);
    return EXIT_OK;
  });
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

function usageError(io: Pick<CommandContext, 'stderr'>, message: string, verb?: string): number {
  const hint = verb === undefined ? 'supd --help' : `supd help ${verb}`;
  io.stderr.write(`supd: ${message} (see ${hint})\n`);
  return EXIT_USAGE;
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
