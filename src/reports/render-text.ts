// A report as plain text: the heading, the process table, then what happened (an alert puts
// its alerts first). Pure: the same snapshot always gives the same text.
import { formatColumns as formatTable, PROCESS_COLUMNS } from '../text/table.js';
import { EVENT_COLUMNS, eventCells, eventsHeading, headingLines, processCells } from './cells.js';
import type { ReportSnapshot } from './snapshot.js';

export function renderText(snapshot: ReportSnapshot, summary: string): string {
  const processes = snapshot.processes.length === 0 ? ['(no processes)'] : formatTable(PROCESS_COLUMNS, snapshot.processes.map(processCells));
  const events = [eventsHeading(snapshot), ...(snapshot.events.length === 0 ? [] : formatTable(EVENT_COLUMNS, snapshot.events.map(eventCells)))];
  const sections = snapshot.kind === 'alert' ? [events, processes] : [processes, events];
  return [headingLines(snapshot, summary), ...sections].map((lines) => lines.join('\n')).join('\n\n') + '\n';
}
