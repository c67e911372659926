// `supd logs [target...] [-n N] [-f] [--stderr] [--since D] [--grep RE] [--clear]`: the last
// lines of the targets' logs, then, with -f, new ones as they come. The supervisor reads the
// files and streams them over the socket; with none running, this reads the files the config
// names itself. --clear truncates the targets' current log files (through the supervisor when
// one runs, so its open files stay valid).
import { findConfigFile } from '../../config/locate.js';
import { parseDuration } from '../../config/units.js';
import type { LogsFrame } from '../../control/protocol.js';
import { SupdError, isSupdError } from '../../errors.js';
import { parseGrep, type LineFilter } from '../../logs/line-filter.js';
import { withClient } from '../client.js';
import { flagString, write, type Command, type CommandContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { createPrinter, type Printer } from '../logs-printer.js';

export const command: Command = {
  usage: `supd logs [target...] [-n N] [-f] [--stderr] [--since DURATION] [--grep RE] [--json]
supd logs --clear target... [--stderr]

Print the last N lines (default 50) of each target's stdout log (--stderr: its stderr log),
going back through the rotated files (gzip too) when the live one holds fewer. With -f, go on
printing new lines, through rotations, until interrupted (a follower that had to skip
something says so on stderr, with the bytes skipped). No target means all. With more than
one process, each line starts with "name | "; --json prints one object per line:
{"name": "web:0", "line": "..."}.

--since 10m (or an ISO time): only lines from then on (exact with timestamps = true; else by
the time each rotated file was closed). --grep RE: only lines the regular expression matches;
-n then counts matching lines. --clear: empty the targets' current log files (rotated ones
stay), as supervisorctl's clear.

With a supervisor running, it reads the files and streams them over the socket; with none,
this reads the files the config names (-f then polls).`,
  options: { string: ['lines', 'since', 'grep'], boolean: ['follow', 'stderr', 'clear'], alias: { n: 'lines', f: 'follow' } },
  async run(context) {
    if (context.flags.clear === true) return clear(context);
    const lines = parseLines(flagString(context, 'lines'));
    const filter = parseFilter(context);
    const printer = createPrinter(context);
    const follow = context.flags.follow === true;
    const stderr = context.flags.stderr === true;
    const request = { cmd: 'logs' as const, targets: context.args, lines, follow, stderr, ...(filter.sinceMs === null ? {} : { sinceMs: filter.sinceMs }), ...(filter.grep === null ? {} : { grep: filter.grep.source }) };
    const take = (frame: LogsFrame) => printer.take(frame);
    let outcome: 'done' | 'output closed';
    try {
      outcome = await withClient(context, (client) => Promise.race([client.stream<{ names: string[] }>(request, (frame) => take(frame as LogsFrame)).then(() => 'done' as const), printer.closed]));
    } catch (error) {
      if (!isSupdError(error) || error.code !== 'SUPD_E_NOT_RUNNING' || flagString(context, 'socket') !== undefined) throw error;
      outcome = await fromFiles(context, { targets: context.args, lines, follow, stderr, filter }, printer);
    }
    if (outcome === 'output closed') return EXIT_OK;
    return printer.shown === 0 && printer.missing > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

// No supervisor answers: read the files the config names (loaded only now, off the fast path).
async function fromFiles(context: CommandContext, request: import('../logs-from-files.js').FileLogsRequest, printer: Printer): Promise<'done' | 'output closed'> {
  const { logsFromFiles } = await import('../logs-from-files.js');
  const file = findConfigFile(flagString(context, 'config'), context.env);
  const stop = new AbortController();
  const interrupted = (): void => stop.abort();
  process.once('SIGINT', interrupted);
  try {
    return await Promise.race([logsFromFiles(file, context.env, request, (frame) => printer.take(frame), stop.signal).then(() => 'done' as const), printer.closed]);
  } finally {
    stop.abort();
    process.off('SIGINT', interrupted);
  }
}

async function clear(context: CommandContext): Promise<number> {
  const targets = [...context.args];
  if (targets.length === 0) throw new SupdError('SUPD_E_USAGE', 'supd logs --clear needs a target: a program, program.method, process (web:1), glob, or all');
  const stderrOnly = context.flags.stderr === true;
  let lines: readonly string[];
  try {
    lines = (await withClient(context, (client) => client.request<{ lines: string[] }>({ cmd: 'logs', targets, clear: true, stderr: stderrOnly }))).lines;
  } catch (error) {
    if (!isSupdError(error) || error.code !== 'SUPD_E_NOT_RUNNING' || flagString(context, 'socket') !== undefined) throw error;
    const { clearFromFiles } = await import('../logs-from-files.js');
    lines = await clearFromFiles(findConfigFile(flagString(context, 'config'), context.env), context.env, targets, stderrOnly);
  }
  for (const line of lines) write(context.stdout, line);
  return EXIT_OK;
}

function parseLines(value: string | undefined): number {
  if (value === undefined) return 50;
  if (!/^[0-9]+$/.test(value)) throw new SupdError('SUPD_E_USAGE', `-n takes a number of lines, not ${value}`);
  return Number(value);
}

/** --since (a duration back from now, or an ISO time) and --grep (a regular expression). */
export function parseFilter(context: CommandContext, now = Date.now()): LineFilter {
  const since = flagString(context, 'since');
  const grep = flagString(context, 'grep');
  return { sinceMs: since === undefined ? null : parseSince(since, now), grep: grep === undefined ? null : parseGrep(grep) };
}

function parseSince(value: string, now: number): number {
  try {
    return now - parseDuration(value);
  } catch {
    const at = /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : NaN;
    if (!Number.isNaN(at)) return at;
    throw new SupdError('SUPD_E_USAGE', `--since takes a duration like 10m or 2h, or a time like 2026-01-31T09:00:00Z, not ${JSON.stringify(value)}`);
  }
}
