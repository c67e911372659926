// How the CLI shows things to a person: the status table (state coloured on a TTY, plain when
// piped or NO_COLOR), uptimes and sizes in human units, the last exit ("exit 1 3m ago").
import { styleText } from 'node:util';
import type { ProcessStatus, StatusReport } from '../control/protocol.js';
import { formatDuration, formatSize } from '../config/units.js';
import { describeExit, formatColumns, PROCESS_COLUMNS, type CellStyle } from '../text/table.js';

type Color = Parameters<typeof styleText>[0];

const STATE_COLORS: Record<string, Color> = {
  running: 'green',
  starting: 'cyan',
  waiting: 'cyan',
  stopping: 'yellow',
  backoff: 'yellow',
  stopped: 'gray',
  exited: 'gray',
  fatal: 'red',
};

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

export function formatLastExit(proc: ProcessStatus, now: number): string {
  if (proc.last_exit_at === null) return '-';
  return `${describeExit(proc.exit_signal, proc.exit_code)} ${formatDuration(Math.max(0, now - Date.parse(proc.last_exit_at)))} ago`;
}

// Why a process is where it is, or when a scheduled one runs next; health when it is checked.
function describeExtra(p: ProcessStatus, now: number): string {
  const parts: string[] = [];
  if (p.reason !== null && p.state !== 'running') parts.push(p.reason);
  if (p.next_run !== null) parts.push(`next run in ${formatDuration(Math.max(0, Date.parse(p.next_run) - now))}`);
  if (p.healthy === false) parts.push('unhealthy');
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

// MEMORY is the tree's PSS (SPEC section 7); its RSS where PSS could not be read.
function formatMemory(p: ProcessStatus): string {
  const bytes = p.pss_bytes ?? p.rss_bytes;
  return bytes === null ? '-' : formatSize(bytes);
}

export function formatStatusTable(report: StatusReport, color: boolean, now = Date.now()): string {
  const rows = report.processes.map((p) => [
    p.name,
    p.state,
    p.pid === null ? '-' : String(p.pid),
    p.uptime_s === null ? '-' : formatDuration(p.uptime_s * 1000),
    String(p.restarts),
    formatMemory(p),
    formatLastExit(p, now) + describeExtra(p, now),
  ]);
  if (rows.length === 0) return [formatColumns(PROCESS_COLUMNS, [], styleCells(color))[0], '(no processes)'].join('\n');
  return formatColumns(PROCESS_COLUMNS, rows, styleCells(color)).join('\n');
}

// On a terminal: the header bold, the state in its colour.
function styleCells(color: boolean): CellStyle {
  return (padded, row, column) => {
    if (!color) return padded;
    if (row === -1) return styleText('bold', padded);
    return column === 1 ? styleText(STATE_COLORS[padded.trimEnd()] ?? 'white', padded) : padded;
  };
}
