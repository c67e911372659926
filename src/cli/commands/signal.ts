// `supd signal SIG target... [--group]`: send a signal to the main process (or every process).
import type { CommandResult } from '../../control/protocol.js';
import { SupdError } from '../../errors.js';
import { reportOutcomes, requireTargets, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd signal SIGNAL target... [--group]

Send a signal (HUP, SIGUSR1, 10...) to each target's main process, as a reload signal
expects (to every process of it when the program has kill_mode = "group"). With --group,
to every process of the target: its whole cgroup, or its process group and session.`,
  options: { boolean: ['group'] },
  async run(context) {
    const signal = context.args[0];
    if (signal === undefined) throw new SupdError('SUPD_E_USAGE', 'supd signal needs a signal and a target: supd signal HUP web');
    const targets = requireTargets(context, 'signal', 1);
    const group = context.flags.group === true;
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'signal', signal, targets, ...(group ? { group } : {}) }));
    return reportOutcomes(context, result);
  },
};
