// `supd logs` with no supervisor running: the same output, read from the files the config
// names (each copy's own, per-copy values filled in), and with -f followed by polling.
// `--clear` truncates them directly (nobody holds them open).
import { truncate } from 'node:fs/promises';
import type { LogsFrame } from '../control/protocol.js';
import { loadConfig } from '../config/load.js';
import { unitForCopy } from '../config/per-copy.js';
import type { SupdConfig } from '../config/types.js';
import { SupdError } from '../errors.js';
import { followPath } from '../logs/follow-path.js';
import { filterLines, isFiltering, type LineFilter } from '../logs/line-filter.js';
import { readTailOfPath } from '../logs/tail.js';
import { matchTargets } from '../supervisor/targets.js';

export interface FileLogsRequest {
  readonly targets: readonly string[];
  readonly lines: number;
  readonly follow: boolean;
  readonly stderr: boolean;
  readonly filter: LineFilter;
}

interface ProcessLogs {
  readonly name: string;
  readonly unit: string;
  readonly program: string;
  readonly stdout: string | null;
  readonly stderr: string | null;
}

/** Every process the config declares, with its log files (stderr = "merge": stdout's file). */
export function processLogs(config: SupdConfig): ProcessLogs[] {
  return config.units.flatMap((unit) =>
    Array.from({ length: unit.processes }, (_, index) => {
      const copy = unitForCopy(unit, index);
      const stdout = copy.stdout?.file ?? null;
      return { name: `${unit.name}:${index}`, stdout, stderr: copy.stderr === 'merge' ? stdout : (copy.stderr?.file ?? null), unit: unit.name, program: unit.program };
    }),
  );
}

export function selectProcesses(config: SupdConfig, targets: readonly string[]): ProcessLogs[] {
  const all = processLogs(config);
  const match = matchTargets(targets.length === 0 ? ['all'] : targets, all, config.units);
  if (match.unmatched.length > 0) throw new SupdError('SUPD_E_NO_SUCH_PROCESS', `no process matches ${match.unmatched.join(', ')}`);
  const wanted = new Set(match.names);
  return all.filter((p) => wanted.has(p.name));
}

export async function logsFromFiles(configFile: string, env: NodeJS.ProcessEnv, request: FileLogsRequest, take: (frame: LogsFrame) => void | Promise<void>, signal: AbortSignal): Promise<void> {
  const config = loadConfig(configFile, { env });
  const chosen = selectProcesses(config, request.targets);
  const live = chosen.filter((p) => (request.stderr ? p.stderr : p.stdout) !== null);
  const missing = chosen.filter((p) => !live.includes(p)).map((p) => ({ name: p.name, reason: `has no log (${request.stderr ? 'stderr' : 'stdout'} = false)` }));
  await take({ kind: 'start', names: live.map((p) => p.name), missing });
  const filter = isFiltering(request.filter) ? request.filter : null;
  const follows: Array<Promise<void>> = [];
  for (const p of live) {
    const file = (request.stderr ? p.stderr : p.stdout)!;
    const { text, cursor } = await readTailOfPath(file, request.lines, request.filter);
    await take({ kind: 'text', name: p.name, text: text.toString('utf8') });
    if (!request.follow) {
      await cursor.handle?.close();
      continue;
    }
    const sink = {
      send: async (chunk: Buffer) => take({ kind: 'text', name: p.name, text: (filter === null ? chunk : filterLines(chunk, filter)).toString('utf8') }),
      gap: async (gap: { bytes: number | null; reason: string }) => take({ kind: 'gap', name: p.name, ...gap }),
    };
    follows.push(followPath(file, cursor, sink, signal).finally(() => cursor.handle?.close()));
  }
  await Promise.all(follows);
}

/** `--clear` without a supervisor: truncate each target's current log files. */
export async function clearFromFiles(configFile: string, env: NodeJS.ProcessEnv, targets: readonly string[], stderrOnly: boolean): Promise<string[]> {
  const config = loadConfig(configFile, { env });
  const lines: string[] = [];
  for (const p of selectProcesses(config, targets)) {
    const files = [...new Set(stderrOnly ? [p.stderr] : [p.stdout, p.stderr])].filter((f): f is string => f !== null);
    for (const file of files) await truncate(file, 0).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return;
      const denied = error.code === 'EACCES' || error.code === 'EPERM';
      throw new SupdError(denied ? 'SUPD_E_PERMISSION_DENIED' : 'SUPD_E_START_FAILED', `cannot clear ${file}: ${error.code ?? error.message}`);
    });
    lines.push(`cleared ${p.name}${files.length === 0 ? ' (it has no log files)' : `: ${files.join(', ')}`}`);
  }
  return lines;
}
