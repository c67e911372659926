// `supd restart target...`: restart processes and wait until done (--no-wait to not).
import type { CommandResult } from '../../control/protocol.js';
import { reportOutcomes, requireTargets, WAIT_OPTIONS, waitOptions, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd restart target... [--no-wait] [--timeout DURATION]

Stop the targets, start them again, and wait until every one is running. Exits 1 if one
goes to backoff, fatal or exited, or after --timeout (default 60s).
Targets: all, a program (web), a method (app.mailer), a process (web:1), or a glob (app.*).`,
  options: WAIT_OPTIONS,
  async run(context) {
    const targets = requireTargets(context, 'restart');
    const { wait, timeoutMs } = waitOptions(context);
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'restart', targets, wait, timeoutMs }));
    return reportOutcomes(context, result);
  },
};
