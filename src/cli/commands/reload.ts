// `supd reload`: make the running supervisor re-read its config and apply only what changed.
import type { CommandResult } from '../../control/protocol.js';
import { reportOutcomes, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd reload

Make the running supervisor re-read its config file (the same file it started with) and apply
the difference, printing one line per program or method: "added web", "removed old",
"changed app.mailer (restarted 3)", "scaled web 2 -> 4", "unchanged api". Unchanged programs
keep their pids. An invalid file changes nothing: the errors are printed and supd reload
exits 2. SIGHUP to supd does the same.`,
  async run(context) {
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'reload' }));
    return reportOutcomes(context, result);
  },
};
