// How the CLI shows things to a person: the status table (state coloured on a TTY, plain when
// piped or NO_COLOR), uptimes and sizes in human units, the last exit ("exit 1 3m ago").
import { styleText } from 'node:util';
import type { ProcessStatus, StatusReport } from '../control/protocol.js';
import { formatDuration, formatSize } from '../config/units.js';

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
  const what = proc.exit_signal !== null ? proc.exit_signal : proc.exit_code !== null ? `exit ${proc.exit_code}` : 'failed start';
  return `${what} ${formatDuration(Math.max(0, now - Date.parse(proc.last_exit_at)))} ago`;
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
  const header = ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'MEMORY', 'LAST EXIT'];
  const rows = report.processes.map((p) => [
    p.name,
    p.state,
    p.pid === null ? '-' : String(p.pid),
    p.uptime_s === null ? '-' : formatDuration(p.uptime_s * 1000),
    String(p.restarts),
    formatMemory(p),
    formatLastExit(p, now) + describeExtra(p, now),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], isHeader: boolean): string =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        if (!color) return padded;
        if (isHeader) return styleText('bold', padded);
        return i === 1 ? styleText(STATE_COLORS[cell] ?? 'white', padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const body = rows.length === 0 ? ['(no processes)'] : rows.map((r) => line(r, false));
  return [line(header, true), ...body].join('\n');
}
