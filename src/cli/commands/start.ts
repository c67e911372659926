// `supd start target...`: start processes and wait until done (--no-wait to not).
import type { CommandResult } from '../../control/protocol.js';
import { reportOutcomes, requireTargets, WAIT_OPTIONS, waitOptions, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd start target... [--no-wait] [--timeout DURATION]

Start the targets and wait until every one is running (or waiting, for a scheduled
program). Exits 0 then; 1 if one goes to backoff, fatal or exited first, or after --timeout
(default 60s). A target already running counts as done.
Targets: all, a program (web), a method (app.mailer), a process (web:1), or a glob (app.*).`,
  options: WAIT_OPTIONS,
  async run(context) {
    const targets = requireTargets(context, 'start');
    const { wait, timeoutMs } = waitOptions(context);
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'start', targets, wait, timeoutMs }));
    return reportOutcomes(context, result);
  },
};
