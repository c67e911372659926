// What every CLI verb is: its usage text and a run function; nothing but main.ts exits.
import type { Writable } from 'node:stream';

export interface CommandOptions {
  readonly string?: readonly string[];
  readonly boolean?: readonly string[];
  readonly alias?: Readonly<Record<string, string>>;
  readonly default?: Readonly<Record<string, unknown>>;
}

export interface CommandContext {
  /** Positional arguments after the verb. */
  readonly args: readonly string[];
  readonly flags: Readonly<Record<string, unknown>>;
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  readonly usage: string;
  readonly options?: CommandOptions;
  run(context: CommandContext): Promise<number>;
}

export function flagString(context: CommandContext, name: string): string | undefined {
  const value = context.flags[name];
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[value.length - 1]);
  return value === undefined || value === false ? undefined : String(value);
}

export function write(stream: Writable, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
