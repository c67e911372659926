// The dashboard's logs: a process's stdout/stderr as the `logs -f` request of the CLI (through
// the control handler), streamed as Server-Sent Events; and the tail of supd.log.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from '../control/server.js';
import { isSupdError } from '../errors.js';

const SUPD_LOG_TAIL_BYTES = 256 * 1024;

// GET /api/logs?name=web:0&stream=stderr&lines=200: `start`, then `text` frames as the lines come.
export async function serveLogStream(url: URL, req: IncomingMessage, res: ServerResponse, handle: RequestHandler): Promise<void> {
  const name = url.searchParams.get('name') ?? '';
  const lines = Math.min(Math.max(Number(url.searchParams.get('lines') ?? 200) || 0, 0), 5000);
  const abort = new AbortController();
  req.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
  const stream = {
    send: (frame: unknown) => res.write(`data: ${JSON.stringify(frame)}\n\n`),
    drained: () => new Promise<void>((resolve) => (res.writableNeedDrain && !res.destroyed ? res.once('drain', resolve).once('close', resolve) : resolve())),
    signal: abort.signal,
  };
  try {
    await handle({ id: 0, cmd: 'logs', targets: [name], lines, follow: url.searchParams.get('follow') !== '0', stderr: url.searchParams.get('stream') === 'stderr' }, stream);
  } catch (error) {
    const message = isSupdError(error) ? error.message : (error as Error).message;
    res.write(`event: problem\ndata: ${JSON.stringify({ message })}\n\n`);
  }
  res.end();
}

/** The last `n` lines of supd.log (at most 256 KiB of it). */
export function readSupdLogTail(file: string, n: number): string[] {
  const count = Number.isInteger(n) && n > 0 ? Math.min(n, 5000) : 200;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, SUPD_LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (length < size) lines.shift(); // cut mid-line
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}
