// `supd report [name] [--send]`: print a status report now, or send it through its transport.
import type { ReportResult } from '../../control/protocol.js';
import { withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

export const command: Command = {
  usage: `supd report [name] [--send] [--json]

Print the status report [reports.<name>] now, as text: supd, one row per process (state, pid,
uptime, restarts since the last scheduled report, memory, last exit), then what happened since
(crashes, fatals, health failures, reloads). No name: the only report, or every one (a config
without [reports] prints the status since supd started).
--send sends it through the report's transport (smtp, sendmail or file) instead, and exits 0
only when the server accepted it (1 otherwise, with the reason). Neither prints nor sends move
the scheduled report's "since the last report".`,
  options: { boolean: ['send'] },
  async run(context) {
    if (context.args.length > 1) {
      write(context.stderr, 'supd report takes at most one report name (see supd help report)');
      return EXIT_USAGE;
    }
    const send = context.flags.send === true;
    const result = await withClient(context, (client) => client.request<ReportResult>({ cmd: 'report', name: context.args[0], send }));
    if (context.flags.json === true) {
      write(context.stdout, JSON.stringify(result, null, 2));
    } else if (!send) {
      write(context.stdout, result.reports.map((r) => r.text.trimEnd()).join('\n\n'));
    } else {
      for (const { name, sent } of result.reports) {
        if (sent?.ok === true) write(context.stdout, `report ${name}: sent (${sent.message})`);
        else write(context.stderr, `report ${name}: not sent: ${sent?.message ?? 'no transport'}`);
      }
    }
    return send && result.reports.some((r) => r.sent?.ok !== true) ? EXIT_FAILED : EXIT_OK;
  },
};
