// stdout/stderr = "console" (SPEC section 7): every line of those programs goes to supd's stdout
// as `<name> | <line>`, names padded to one width, a colour per program on a terminal (none
// with NO_COLOR), or as one JSON object a line with log_format = "json". Whole lines only
// (console-lines.ts), written in order by one writer (stdout-writer.ts).
import { cutLines, joinJson, joinPrefixed, withNewline } from './console-lines.js';
import { formatJsonLine, type LogFormat } from './log-format.js';
import type { ChunkHandler } from './pipe-reader.js';
import { StdoutWriter } from './stdout-writer.js';
import { isTerminal } from '../lazy-builtins.js';

const COLOURS = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95, 94, 91];

/** One stream of one child into the console. */
export interface ConsoleFeed {
  readonly handler: ChunkHandler;
  /** The stream ended: its unfinished last line goes out too. */
  end(): void;
  flushed(): Promise<void>;
}

export interface ConsoleOptions {
  readonly format: LogFormat;
  readonly colour: boolean;
  readonly now?: () => Date;
}

export class ConsoleOutput {
  private width = 0;
  private readonly colours = new Map<string, number>();
  private format: LogFormat;

  constructor(
    private readonly writer: StdoutWriter,
    private readonly options: ConsoleOptions,
  ) {
    this.format = options.format;
  }

  setFormat(format: LogFormat): void {
    this.format = format;
  }

  /** A process whose lines may come here: the names' width and the program's colour are fixed from it. */
  register(name: string, program: string): void {
    this.width = Math.max(this.width, name.length);
    if (!this.colours.has(program)) this.colours.set(program, COLOURS[this.colours.size % COLOURS.length]!);
  }

  feed(name: string, program: string, pid: number, stream: 'stdout' | 'stderr'): ConsoleFeed {
    this.register(name, program);
    const cutter = cutLines();
    let prefix: Buffer | null = null;
    let prefixWidth = -1;
    const prefixNow = (): Buffer => {
      if (prefixWidth !== this.width) {
        prefixWidth = this.width;
        const label = `${name.padEnd(this.width)} |`;
        prefix = Buffer.from(this.options.colour ? `\x1b[${this.colours.get(program)}m${label}\x1b[0m ` : `${label} `);
      }
      return prefix!;
    };
    // JSON: the keys of formatJsonLine, its text around each message (no object, no parse a line).
    const jsonTail = Buffer.from(formatJsonLine(new Date(0), { level: 'info', msg: '', name, pid, stream }).slice(`{"ts":"${new Date(0).toISOString()}","level":"info","msg":""`.length));
    // Blocks of whole lines, each ending in a newline.
    const render = (blocks: readonly Buffer[]): Buffer => {
      if (this.format === 'text') return joinPrefixed(prefixNow(), blocks);
      const head = Buffer.from(`{"ts":"${(this.options.now?.() ?? new Date()).toISOString()}","level":"info","msg":`);
      return joinJson(head, jsonTail, blocks);
    };
    return {
      handler: (data, release) => {
        const blocks = cutter.push(data);
        if (blocks.length === 0) return release();
        this.writer.write(render(blocks), release);
      },
      end: () => {
        const last = cutter.end();
        if (last !== null) this.writer.write(render([withNewline(last)]));
      },
      flushed: () => this.writer.flushed(),
    };
  }

  /** A line of supd's own log, queued with the programs' lines (stderr is stdout). */
  writeOwn(text: string): void {
    this.writer.write(Buffer.from(text));
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }
}

/** Colour only on a terminal, and never with NO_COLOR set (no-color.org). */
export function wantsColour(env: NodeJS.ProcessEnv, fd = 1): boolean {
  return isTerminal(fd) && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}
