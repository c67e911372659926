// `supd status [target...] [--json] [-w]`: a table of every process, or SPEC's JSON object;
// with -w, again every --interval until Ctrl-C (redrawn in place on a terminal, like watch).
import type { ControlClient } from '../../control/client.js';
import type { StatusReport } from '../../control/protocol.js';
import { parseDuration } from '../../config/units.js';
import { SupdError } from '../../errors.js';
import { withClient } from '../client.js';
import { flagString, write, type Command, type CommandContext } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { formatStatusTable, useColor } from '../format.js';

export const command: Command = {
  usage: `supd status [target...] [--json] [-w|--watch] [--interval DURATION]

Show every process (or the targets: all, a program, program.method, web:1, a glob): name,
state, pid, uptime, restarts, memory (PSS of the process and its descendants: shared pages
split among the processes that map them; --json gives rss_bytes and pss_bytes), last exit.
--json prints one object: { supervisor: {...}, processes: [...] }.
-w keeps showing it every --interval (default 1s) until Ctrl-C: redrawn in place on a
terminal, like watch(1); one table after another (--json: one object per line) when the
output is not a terminal.`,
  options: { string: ['interval'], boolean: ['watch'], alias: { w: 'watch' } },
  async run(context) {
    const json = context.flags.json === true;
    const ask = (client: ControlClient): Promise<StatusReport> => client.request<StatusReport>({ cmd: 'status', targets: context.args });
    if (context.flags.watch !== true) {
      const report = await withClient(context, ask);
      write(context.stdout, json ? JSON.stringify(report, null, 2) : formatStatusTable(report, useColor(context.stdout, context.env)));
      return EXIT_OK;
    }
    const intervalMs = parseInterval(flagString(context, 'interval'));
    return withClient(context, (client) => watchStatus(context, () => ask(client), intervalMs));
  },
};

function parseInterval(text: string | undefined): number {
  if (text === undefined) return 1000;
  try {
    const ms = parseDuration(text);
    if (ms >= 100) return ms;
  } catch {
    // said below
  }
  throw new SupdError('SUPD_E_USAGE', `--interval takes a duration of at least 100ms, like 2s, not ${text}`);
}

// Until SIGINT/SIGTERM (or the reader goes away): fetch, draw, sleep. On a terminal each frame
// goes home and clears what the last one left below, so nothing flickers or scrolls.
async function watchStatus(context: CommandContext, fetch: () => Promise<StatusReport>, intervalMs: number): Promise<number> {
  const tty = context.stdout.isTTY === true && context.flags.json !== true;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const signals = ['SIGINT', 'SIGTERM'] as const;
  for (const signal of signals) process.once(signal, stop);
  context.stdout.once('error', stop);
  if (tty) context.stdout.write('\x1b[?25l\x1b[2J');
  try {
    let running = true;
    void stopped.then(() => (running = false));
    while (running) {
      const report = await fetch();
      context.stdout.write(tty ? frame(report, intervalMs, useColor(context.stdout, context.env)) : plain(report, context.flags.json === true));
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, intervalMs).unref())]);
    }
  } finally {
    for (const signal of signals) process.off(signal, stop);
    if (tty) context.stdout.write('\x1b[?25h');
  }
  return EXIT_OK;
}

function frame(report: StatusReport, intervalMs: number, color: boolean): string {
  const header = `every ${intervalMs / 1000}s: supd status    ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC  (Ctrl-C to quit)`;
  const lines = [header, '', ...formatStatusTable(report, color).split('\n')];
  return `\x1b[H${lines.map((line) => `${line}\x1b[K`).join('\n')}\n\x1b[J`;
}

function plain(report: StatusReport, json: boolean): string {
  return json ? `${JSON.stringify(report)}\n` : `${formatStatusTable(report, false)}\n\n`;
}
