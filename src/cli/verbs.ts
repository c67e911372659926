// The dispatch table: every verb, its one-line summary, and where its file is (loaded lazily,
// so `supd status` imports only what a client needs); the aliases people bring from
// supervisorctl and pm2; and the overview that `supd help` prints.
import type { Command } from './command.js';

export interface Verb {
  readonly summary: string;
  readonly load: () => Promise<{ command: Command }>;
}

export const VERBS: Readonly<Record<string, Verb>> = {
  run: { summary: 'be the supervisor: foreground, or -d/--detach for the background', load: () => import('./commands/run.js') },
  check: { summary: 'validate the config and print "ok: N programs, M processes"', load: () => import('./commands/check.js') },
  status: { summary: 'show processes: name, state, pid, uptime, restarts, memory, last exit (-w: keep redrawing)', load: () => import('./commands/status.js') },
  start: { summary: 'start targets and wait until they run', load: () => import('./commands/start.js') },
  stop: { summary: 'stop targets (and what depends on them) and wait until they exit', load: () => import('./commands/stop.js') },
  restart: { summary: 'restart targets and wait until they run', load: () => import('./commands/restart.js') },
  signal: { summary: 'send a signal to targets: supd signal HUP web', load: () => import('./commands/signal.js') },
  scale: { summary: 'change a process count at run time: supd scale web 4 (or max, max-1)', load: () => import('./commands/scale.js') },
  logs: { summary: "print the last lines of targets' logs (-n N, --stderr), then follow them (-f)", load: () => import('./commands/logs.js') },
  reload: { summary: 're-read the config and apply only what changed (also on SIGHUP)', load: () => import('./commands/reload.js') },
  describe: { summary: "one process's whole record: config after defaults, recent states, exits, log paths", load: () => import('./commands/describe.js') },
  pid: { summary: "print the targets' pids, one per line (no target: supd's own)", load: () => import('./commands/pid.js') },
  report: { summary: 'print a status report now, or --send it through its transport', load: () => import('./commands/report.js') },
  dashboard: { summary: "print the web dashboard's URL with a login token ([supervisor.http])", load: () => import('./commands/dashboard.js') },
  shutdown: { summary: 'stop everything and make supd exit', load: () => import('./commands/shutdown.js') },
  export: { summary: 'write the programs for systemd, k8s, compose, initd or logrotate', load: () => import('./commands/export.js') },
  import: { summary: 'convert a supervisord .conf, PM2 ecosystem file or Procfile into a daemons.toml', load: () => import('./commands/import.js') },
  version: { summary: "print supd's version (the same as --version)", load: () => import('./commands/version.js') },
  help: { summary: "show a command's usage: supd help <command>", load: () => import('./commands/help.js') },
};

/** Verbs under the names supervisorctl and pm2 users type; `args` are put before the user's. */
export const ALIASES: Readonly<Record<string, { readonly verb: string; readonly args: readonly string[] }>> = {
  tail: { verb: 'logs', args: [] },
  update: { verb: 'reload', args: [] },
  reread: { verb: 'reload', args: ['--dry-run'] },
  avail: { verb: 'status', args: [] },
  list: { verb: 'status', args: [] },
};

/** A verb or an alias by the name typed, with the arguments an alias adds. */
export function findVerb(name: string): { readonly name: string; readonly verb: Verb; readonly args: readonly string[] } | undefined {
  const alias = ALIASES[name];
  const verbName = alias?.verb ?? name;
  const verb = Object.hasOwn(VERBS, verbName) ? VERBS[verbName] : undefined;
  return verb === undefined ? undefined : { name: verbName, verb, args: alias?.args ?? [] };
}

export function overview(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length));
  const lines = Object.entries(VERBS).map(([name, verb]) => `  ${name.padEnd(width)}  ${verb.summary}`);
  const aliases = Object.entries(ALIASES).map(([name, a]) => `${name} = ${[a.verb, ...a.args].join(' ')}`);
  return `supd: a declarative process supervisor for daemons.toml

Usage: supd <command> [target...] [options]   (options may stand anywhere on the line)

Commands:
${lines.join('\n')}

Aliases (from supervisorctl and pm2): ${aliases.join(', ')}

Options every command takes:
  -c, --config PATH   the config file (default: $SUPD_CONFIG, ./daemons.toml, /etc/supd/daemons.toml)
  --socket PATH       the control socket (default: $SUPD_SOCKET, or from the config)
  --json              machine-readable output; errors too, as {"error": {"code", "message", "issues"}}
  -h, --help          this help, or a command's with a command
  --version           print supd's version

Exit codes: 0 done, 1 failed, 2 usage error or invalid config, 3 no supervisor answers.
`;
}
