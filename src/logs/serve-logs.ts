// The supervisor's side of `supd logs`: the last lines of each target's log, then (with
// follow) what each appends, streamed as frames over the control socket, so the CLI never reads
// the log directory itself. Frames go out only as fast as the client takes them.
import { open } from 'node:fs/promises';
import type { LogsFrame } from '../control/protocol.js';
import { FileChain, followLog } from './follow.js';
import { filterLines, isFiltering, type LineFilter } from './line-filter.js';
import type { OutputStream, ProcessOutput } from './process-output.js';
import type { RotatingFile } from './rotating-file.js';
import { readTail, type LogCursor } from './tail.js';

/** A frame is at most about this much text (cut at a line end where there is one). */
const FRAME_BYTES = 64 * 1024;

/** The server's stream of frames for one request (structurally control/server's ResponseStream). */
export interface FrameSink {
  send(frame: LogsFrame): boolean;
  drained(): Promise<void>;
  readonly signal: AbortSignal;
}

export interface LogsOptions {
  readonly lines: number;
  readonly follow: boolean;
  readonly stream: OutputStream;
  readonly filter?: LineFilter;
}

export async function serveLogs(targets: ReadonlyArray<{ name: string; output: ProcessOutput | undefined }>, options: LogsOptions, out: FrameSink): Promise<{ names: string[] }> {
  const live: Array<{ name: string; log: RotatingFile }> = [];
  const missing: Array<{ name: string; reason: string }> = [];
  for (const { name, output } of targets) {
    const log = output === undefined ? 'has no log (removed)' : output.logOf(options.stream);
    if (typeof log === 'string') missing.push({ name, reason: log });
    else live.push({ name, log });
  }
  await sendFrame(out, { kind: 'start', names: live.map((l) => l.name), missing });
  const cursors: LogCursor[] = [];
  // Each log's next files are caught from before its current one is opened: none slips by.
  const chains = options.follow ? live.map(({ log }) => new FileChain(log)) : [];
  const filter = isFiltering(options.filter) ? options.filter : null;
  try {
    for (const [i, { name, log }] of live.entries()) {
      const current = chains[i]?.openCurrent() ?? (await open(log.file, 'r').catch(() => null));
      const { text, cursor } = await readTail(log.file, current, options.lines, options.filter);
      cursors.push(cursor);
      await sendText(out, name, text);
    }
    if (options.follow) {
      const sinkOf = (name: string) => ({
        send: (text: Buffer) => sendText(out, name, filter === null ? text : filterLines(text, filter)),
        gap: (gap: { bytes: number | null; reason: string }) => sendFrame(out, { kind: 'gap', name, bytes: gap.bytes, reason: gap.reason }),
      });
      await Promise.all(live.map(({ name, log }, i) => followLog(log, chains[i]!, cursors[i]!, sinkOf(name), out.signal)));
    }
  } finally {
    for (const chain of chains) await chain.stop();
    for (const cursor of cursors) await cursor.handle?.close().catch(() => undefined);
  }
  return { names: live.map((l) => l.name) };
}

async function sendFrame(out: FrameSink, frame: LogsFrame): Promise<void> {
  if (!out.send(frame)) await out.drained();
}

// Cuts at line ends into frames of about FRAME_BYTES; never splits a UTF-8 character.
async function sendText(out: FrameSink, name: string, text: Buffer): Promise<void> {
  let start = 0;
  while (start < text.length && !out.signal.aborted) {
    let end = Math.min(text.length, start + FRAME_BYTES);
    if (end < text.length) {
      const nl = text.lastIndexOf(0x0a, end - 1);
      end = nl >= start ? nl + 1 : utf8Boundary(text, end);
    }
    await sendFrame(out, { kind: 'text', name, text: text.toString('utf8', start, end) });
    start = end;
  }
}

// Moves back over UTF-8 continuation bytes (10xxxxxx) to the start of a character.
function utf8Boundary(text: Buffer, at: number): number {
  let end = at;
  while (end > 0 && (text[end]! & 0xc0) === 0x80) end--;
  return end;
}
