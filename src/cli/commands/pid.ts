// `supd pid [target...]`: pids, one per line, for scripts (`kill -USR1 $(supd pid web)`); no
// target: the supervisor's own pid, as supervisorctl's `pid`.
import type { StatusReport } from '../../control/protocol.js';
import { withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';

export const command: Command = {
  usage: `supd pid [target...] [--json]

Print the pid of each target process that has one, one per line, in status order; a target
without a process (stopped, backoff...) is named on stderr. Exits 1 when none has a pid. No
target: the pid of supd itself. --json prints {"pid": N} (supd) or {"pids": {"web:0": 4242,
"web:1": null}}.`,
  async run(context) {
    const json = context.flags.json === true;
    if (context.args.length === 0) {
      const { pid } = await withClient(context, (client) => client.request<{ pid: number }>({ cmd: 'ping' }));
      write(context.stdout, json ? JSON.stringify({ pid }) : String(pid));
      return EXIT_OK;
    }
    const report = await withClient(context, (client) => client.request<StatusReport>({ cmd: 'status', targets: context.args }));
    if (json) write(context.stdout, JSON.stringify({ pids: Object.fromEntries(report.processes.map((p) => [p.name, p.pid])) }));
    for (const p of report.processes) {
      if (p.pid === null) write(context.stderr, `supd pid: ${p.name} has no process (${p.state})`);
      else if (!json) write(context.stdout, String(p.pid));
    }
    return report.processes.some((p) => p.pid !== null) ? EXIT_OK : EXIT_FAILED;
  },
};
