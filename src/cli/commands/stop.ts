// `supd stop target...`: stop processes and wait until done (--no-wait to not).
import type { CommandResult } from '../../control/protocol.js';
import { reportOutcomes, requireTargets, WAIT_OPTIONS, waitOptions, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd stop target... [--no-wait] [--timeout DURATION]

Stop the targets (stop_signal, then SIGKILL after stop_timeout) and wait until each has
exited. A target already stopped counts as done.
Targets: all, a program (web), a method (app.mailer), a process (web:1), or a glob (app.*).`,
  options: WAIT_OPTIONS,
  async run(context) {
    const targets = requireTargets(context, 'stop');
    const { wait, timeoutMs } = waitOptions(context);
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'stop', targets, wait, timeoutMs }));
    return reportOutcomes(context, result);
  },
};
