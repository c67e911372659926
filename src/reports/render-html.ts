// A report as HTML a mail client shows well: inline styles only (clients drop <style>), plain
// tables, every value escaped. Drawn from the same cells as the text.
import { EVENT_COLUMNS, PROCESS_COLUMNS, eventCells, eventsHeading, headingLines, processCells } from './cells.js';
import type { ReportSnapshot } from './snapshot.js';

const STATE_COLORS: Readonly<Record<string, string>> = {
  running: '#1a7f37',
  starting: '#0969da',
  waiting: '#0969da',
  stopping: '#9a6700',
  backoff: '#9a6700',
  stopped: '#6e7781',
  exited: '#6e7781',
  fatal: '#cf222e',
};

const CELL = 'border-bottom:1px solid #d0d7de;text-align:left';
const HEAD = `${CELL};background:#f6f8fa;font-weight:600`;

export function renderHtml(snapshot: ReportSnapshot, summary: string): string {
  const [title, about, span] = headingLines(snapshot, summary);
  const processes =
    snapshot.processes.length === 0
      ? '<p>(no processes)</p>'
      : table(PROCESS_COLUMNS, snapshot.processes.map(processCells), (cells) => STATE_COLORS[cells[1]!.split(' ')[0]!]);
  const eventRows = snapshot.events.map(eventCells);
  const events = `<h3 style="margin:18px 0 6px;font-size:15px">${escapeHtml(eventsHeading(snapshot))}</h3>${eventRows.length === 0 ? '' : table(EVENT_COLUMNS, eventRows, () => undefined)}`;
  const sections = snapshot.kind === 'alert' ? [events, processes] : [processes, events];
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">',
    `<h2 style="margin:0 0 6px;font-size:18px">${escapeHtml(title!)}</h2>`,
    `<p style="margin:0 0 12px;color:#57606a">${escapeHtml(about!)}<br>${escapeHtml(span!)}</p>`,
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}

// The state cell (second column) takes the state's colour, when the row has one.
function table(header: readonly string[], rows: readonly string[][], stateColor: (cells: readonly string[]) => string | undefined): string {
  const head = `<tr>${header.map((h) => `<th style="${HEAD}">${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((cells) => {
    const color = stateColor(cells);
    const tds = cells.map((cell, i) => {
      const style = i === 1 && color !== undefined ? `${CELL};color:${color};font-weight:600` : CELL;
      return `<td style="${style}">${escapeHtml(cell)}</td>`;
    });
    return `<tr>${tds.join('')}</tr>`;
  });
  return `<table style="border-collapse:collapse;font-family:Menlo,Consolas,monospace;font-size:13px" cellspacing="0" cellpadding="5">\n${[head, ...body].join('\n')}\n</table>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
