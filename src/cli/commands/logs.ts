// `supd logs [target...] [-n N] [-f] [--stderr]`: the last lines of the targets' logs, then,
// with -f, new ones as they come. The supervisor reads the files and streams them over the
// socket; this prints them, reading no faster than its own output is taken.
import type { LogsFrame } from '../../control/protocol.js';
import { SupdError } from '../../errors.js';
import { withClient } from '../client.js';
import { flagString, write, type Command, type CommandContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';

export const command: Command = {
  usage: `supd logs [target...] [-n N] [-f] [--stderr] [--json]

Print the last N lines (default 50) of each target's stdout log (--stderr: its stderr log),
going back into the newest rotated file (gzip too) when the live one holds fewer. With -f,
go on printing new lines, through rotations, until interrupted. No target means all. With
more than one process, each line starts with "name | "; --json prints one object per line:
{"name": "web:0", "line": "..."}. The supervisor reads the files, so this needs only the socket.`,
  options: { string: ['lines'], boolean: ['follow', 'stderr'], alias: { n: 'lines', f: 'follow' } },
  async run(context) {
    const lines = parseLines(flagString(context, 'lines'));
    const printer = createPrinter(context);
    const request = { cmd: 'logs' as const, targets: context.args, lines, follow: context.flags.follow === true, stderr: context.flags.stderr === true };
    const outcome = await withClient(context, (client) =>
      Promise.race([client.stream<{ names: string[] }>(request, (frame) => printer.take(frame as LogsFrame)).then(() => 'done' as const), printer.closed]),
    );
    if (outcome === 'output closed') return EXIT_OK;
    return printer.shown === 0 && printer.missing > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

function parseLines(value: string | undefined): number {
  if (value === undefined) return 50;
  if (!/^[0-9]+$/.test(value)) throw new SupdError('SUPD_E_USAGE', `-n takes a number of lines, not ${value}`);
  return Number(value);
}

interface Printer {
  take(frame: LogsFrame): void | Promise<void>;
  /** Resolves if stdout goes away (a pager quit, `| head`): then there is nobody to print for. */
  readonly closed: Promise<'output closed'>;
  readonly shown: number;
  readonly missing: number;
}

function createPrinter(context: CommandContext): Printer {
  let prefixed = false;
  let shown = 0;
  let missing = 0;
  const json = context.flags.json === true;
  const closed = new Promise<'output closed'>((resolve) => context.stdout.once('error', () => resolve('output closed')));
  const print = (text: string): void | Promise<void> => {
    if (context.stdout.write(text)) return;
    return new Promise((resolve) => context.stdout.once('drain', () => resolve()));
  };
  return {
    take(frame) {
      if (frame.kind === 'start') {
        for (const m of frame.missing) write(context.stderr, `supd logs: ${m.name}: ${m.reason}`);
        prefixed = frame.names.length > 1;
        shown = frame.names.length;
        missing = frame.missing.length;
        return;
      }
      if (!json && !prefixed) return print(frame.text);
      const lines = frame.text.endsWith('\n') ? frame.text.slice(0, -1).split('\n') : frame.text.split('\n');
      const prefix = `${frame.name} | `;
      return print(lines.map((line) => (json ? JSON.stringify({ name: frame.name, line }) : prefix + line)).join('\n') + '\n');
    },
    closed,
    get shown() {
      return shown;
    },
    get missing() {
      return missing;
    },
  };
}
