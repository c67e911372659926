// `supd reload [--dry-run]`: make the running supervisor re-read its config and apply only
// what changed, or (--dry-run, `reread`) print what it would do and change nothing.
import type { CommandResult } from '../../control/protocol.js';
import { reportOutcomes, withClient } from '../client.js';
import type { Command, CommandContext } from '../command.js';

export const command: Command = {
  usage: `supd reload [--dry-run]

Make the running supervisor re-read its config file (the same file it started with) and apply
the difference, printing one line per program or method: "added web", "removed old",
"changed app.mailer (restarted 3)", "changed web (applied without restart)",
"scaled web 2 -> 4", "unchanged api". Unchanged programs keep their pids; a scheduled program
is re-armed, never run. An invalid file, a file with no programs while programs run, or a log
location supd cannot write changes nothing: the reasons are printed and supd reload exits 2.
SIGHUP to supd does the same.

--dry-run   print exactly the lines a reload would print, and change nothing`,
  options: { boolean: ['dry-run'] },
  run: (context) => requestReload(context, context.flags['dry-run'] === true),
};

/** Asks the running supervisor to reload (or to say what a reload would do); prints its lines. */
export async function requestReload(context: CommandContext, dryRun: boolean): Promise<number> {
  const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'reload', ...(dryRun ? { dryRun } : {}) }));
  return reportOutcomes(context, result);
}
