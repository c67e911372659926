// `supd scale prog[.method] N`: change a process count at run time, until the next reload.
import type { CommandResult } from '../../control/protocol.js';
import { resolveProcessCount } from '../../config/process-count.js';
import { SupdError } from '../../errors.js';
import { reportOutcomes, WAIT_OPTIONS, waitOptions, withClient } from '../client.js';
import type { Command } from '../command.js';

export const command: Command = {
  usage: `supd scale PROGRAM[.METHOD] COUNT [--no-wait] [--timeout DURATION]

Change how many copies of a program (or method) run. Scaling up starts the new copies and
waits until they run; scaling down stops the highest indices. The other copies keep running
untouched. COUNT "max" is one per CPU, "max-N" N fewer (at least 1), as in the config.
Lasts until the next reload or restart of supd, which apply the file's count.`,
  options: WAIT_OPTIONS,
  async run(context) {
    const [unit, countText] = context.args;
    const count = countText === undefined ? null : resolveProcessCount(countText);
    if (unit === undefined || count === null || context.args.length > 2) {
      throw new SupdError('SUPD_E_USAGE', 'usage: supd scale PROGRAM[.METHOD] COUNT (a whole number >= 0, max or max-N)');
    }
    const { wait, timeoutMs } = waitOptions(context);
    const result = await withClient(context, (client) => client.request<CommandResult>({ cmd: 'scale', unit, count, wait, timeoutMs }));
    return reportOutcomes(context, result);
  },
};
