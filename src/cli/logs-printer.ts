// How `supd logs` prints the frames it gets (from the supervisor, or read from the files
// itself): lines as they are, or "name | line" with several processes, or one JSON object per
// line; a gap (what a follower had to skip) is said on stderr, never left silent.
import type { LogsFrame } from '../control/protocol.js';
import { write, type CommandContext } from './command.js';

export interface Printer {
  take(frame: LogsFrame): void | Promise<void>;
  /** Resolves if stdout goes away (a pager quit, `| head`): then there is nobody to print for. */
  readonly closed: Promise<'output closed'>;
  readonly shown: number;
  readonly missing: number;
}

export function createPrinter(context: CommandContext): Printer {
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
      if (frame.kind === 'gap') {
        const size = frame.bytes === null ? 'a file of unknown size' : `${frame.bytes} bytes`;
        if (json) return print(`${JSON.stringify({ name: frame.name, gap: { bytes: frame.bytes, reason: frame.reason } })}\n`);
        write(context.stderr, `supd logs: ${frame.name}: skipped ${size}: ${frame.reason}`);
        return;
      }
      if (frame.text === '') return;
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
