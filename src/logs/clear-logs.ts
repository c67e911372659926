// `supd logs --clear target...` with a supervisor running: each target's current log files are
// emptied by the writer that holds them (RotatingFile.clear), between two of its writes, so
// its size and line bookkeeping stay right and followers start again at the top.
import type { OutputStream, ProcessOutput } from './process-output.js';
import type { RotatingFile } from './rotating-file.js';

export async function clearLogs(targets: ReadonlyArray<{ name: string; output: ProcessOutput | undefined }>, streams: readonly OutputStream[]): Promise<string[]> {
  const lines: string[] = [];
  for (const { name, output } of targets) {
    const logs = output === undefined ? [] : [...new Set(streams.map((s) => output.logOf(s)).filter((l): l is RotatingFile => typeof l !== 'string'))];
    for (const log of logs) await log.clear();
    lines.push(`cleared ${name}${logs.length === 0 ? ' (it has no log files)' : `: ${logs.map((l) => l.file).join(', ')}`}`);
  }
  return lines;
}
