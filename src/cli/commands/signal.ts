// `supd signal SIG target...`: send a signal (to the process group when kill_group).
import type { CommandResult } from '../../control/protocol.js';
import { SupdError } from '../../errors.js';
import { reportOutcomes, requireTargets, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd signal SIGNAL target...

Send a signal (HUP, SIGUSR1, 10...) to the targets' processes; to the whole process group
when the program has kill_group = true (the default).`,
  async run(context) {
    const signal = context.args[0];
    if (signal === undefined) throw new SupdError('SUPD_E_USAGE', 'supd signal needs a signal and a target: supd signal HUP web');
    const targets = requireTargets(context, 'signal', 1);
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'signal', signal, targets }));
    return reportOutcomes(context, result);
  },
};
