// The process table's words and shape, one owner for the CLI (`supd status`, src/cli/format.ts)
// and the reports (src/reports/cells.ts, render-text.ts): the columns, the last exit's
// wording, and columns padded to their widest cell.

export const PROCESS_COLUMNS = ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'MEMORY', 'LAST EXIT'] as const;

/** How a process last ended: `SIGKILL`, `exit 1`, or `failed start` (it never ran). */
export function describeExit(signal: string | null, code: number | null): string {
  return signal !== null ? signal : code !== null ? `exit ${code}` : 'failed start';
}

/** Styles a padded cell; row -1 is the header. */
export type CellStyle = (padded: string, row: number, column: number) => string;

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[], style: CellStyle = (s) => s): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], row: number): string =>
    cells
      .map((cell, i) => style(i === cells.length - 1 ? cell : cell.padEnd(widths[i]!), row, i))
      .join('  ')
      .trimEnd();
  return [line(header, -1), ...rows.map((r, i) => line(r, i))];
}
