// What every client verb shares: find the socket, connect, and turn outcomes into output
// and an exit code.
import { findConfigFile } from '../config/locate.js';
import type { ControlClient } from '../control/client.js';
import { connectFollowing } from '../control/running-socket.js';
import type { CommandResult } from '../control/protocol.js';
import { findSocketPath } from '../control/socket-path.js';
import { parseDuration } from '../config/units.js';
import { SupdError } from '../errors.js';
import { flagString, write, type Command, type CommandContext } from './command.js';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.js';

export async function withClient<T>(context: CommandContext, use: (client: ControlClient) => Promise<T>): Promise<T> {
  const configFile = findConfigFile(flagString(context, 'config'), context.env);
  const socketPath = findSocketPath(flagString(context, 'socket'), context.env, configFile);
  const named = flagString(context, 'socket') !== undefined || (context.env.SUPD_SOCKET ?? '') !== '';
  const { client, movedFrom } = await connectFollowing(socketPath, named ? null : configFile);
  if (movedFrom !== null) write(context.stderr, `supd: the config names the socket ${socketPath}, but the running supd listens on ${movedFrom}: restart supd to move it`);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function requireTargets(context: CommandContext, verb: string, from = 0): string[] {
  const targets = context.args.slice(from);
  if (targets.length === 0) throw new SupdError('SUPD_E_USAGE', `supd ${verb} needs a target: a program, program.method, process (web:1), glob, or all`);
  return [...targets];
}

/** Prints one line per process ("web:0 running"), failures to stderr; 0 if all went well. --json: the result as it came. */
export function reportOutcomes(context: CommandContext, result: CommandResult): number {
  const failed = result.outcomes.some((o) => !o.ok);
  if (context.flags.json === true) {
    write(context.stdout, JSON.stringify({ ok: !failed, ...result }, null, 2));
    return failed ? EXIT_FAILED : EXIT_OK;
  }
  for (const line of result.lines ?? []) write(context.stdout, line);
  for (const line of result.warnings ?? []) write(context.stderr, line);
  for (const outcome of result.outcomes) {
    if (outcome.ok) write(context.stdout, `${outcome.name} ${outcome.state}${outcome.note === undefined ? '' : ` (${outcome.note})`}`);
    else {
      write(context.stderr, `${outcome.name} ${outcome.state}${outcome.message === undefined ? '' : `: ${outcome.message}`}`);
    }
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}

/** `--timeout 30s` (a duration, default 60 s) and `--no-wait`. */
export function waitOptions(context: CommandContext): { wait: boolean; timeoutMs: number } {
  const timeout = flagString(context, 'timeout');
  let timeoutMs = 60_000;
  if (timeout !== undefined) {
    try {
      timeoutMs = parseDuration(timeout);
    } catch {
      throw new SupdError('SUPD_E_USAGE', `--timeout takes a duration like 30s or 500ms, not ${timeout}`);
    }
  }
  return { wait: context.flags.wait !== false, timeoutMs };
}

/** start, stop and restart: the same shape, a different verb and description. */
export function waitingVerb(verb: 'start' | 'stop' | 'restart', description: string): Command {
  return {
    usage: `supd ${verb} target... [--no-wait] [--timeout DURATION]\n\n${description}\nTargets: all, a program (web), a method (app.mailer), a process (web:1), or a glob (app.*).`,
    options: WAIT_OPTIONS,
    async run(context) {
      const targets = requireTargets(context, verb);
      const { wait, timeoutMs } = waitOptions(context);
      const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: verb, targets, wait, timeoutMs }));
      return reportOutcomes(context, result);
    },
  };
}

export const WAIT_OPTIONS = { string: ['timeout'], boolean: ['wait'], default: { wait: true } } as const;
