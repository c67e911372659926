// `supd status [target...] [--json]`: a table of every process, or SPEC's JSON object.
import type { StatusReport } from '../../control/protocol.js';
import { withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { formatStatusTable, useColor } from '../format.js';

export const command: Command = {
  usage: `supd status [target...] [--json]

Show every process (or the targets: all, a program, program.method, web:1, a glob): name,
state, pid, uptime, restarts, memory (RSS of the process and its descendants), last exit.
--json prints one object: { supervisor: {...}, processes: [...] }.`,
  async run(context) {
    const report = await withClient(context, (client) => client.request<StatusReport>({ cmd: 'status', targets: context.args }));
    if (context.flags.json === true) write(context.stdout, JSON.stringify(report, null, 2));
    else write(context.stdout, formatStatusTable(report, useColor(context.stdout, context.env)));
    return EXIT_OK;
  },
};
