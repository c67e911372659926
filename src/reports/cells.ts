// The words of a report, shared by its text and its HTML: the heading, one row of cells per
// process and per event, times in UTC (a mail is read later and elsewhere).
import { formatDuration, formatSize } from '../config/units.js';
import { describeExit } from '../text/table.js';
import { kindLabel, type ReportEvent } from './report-event.js';
import type { ReportRow, ReportSnapshot } from './snapshot.js';

export { PROCESS_COLUMNS } from '../text/table.js';
export const EVENT_COLUMNS = ['TIME', 'WHAT', 'PROCESS', 'DETAIL'] as const;

/** `2025-01-31 08:00:05 UTC` */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The heading lines: what and where, supd itself, and the time span the report covers. */
export function headingLines(snapshot: ReportSnapshot, summary: string): string[] {
  return [
    `supd ${snapshot.title} on ${snapshot.host}: ${summary}`,
    `supd ${snapshot.version} (pid ${snapshot.pid}), up ${formatDuration(snapshot.uptimeMs)}, config ${snapshot.config}`,
    `At ${formatTime(snapshot.at)}; restarts and events since ${formatTime(snapshot.since)}.`,
  ];
}

export function processCells(row: ReportRow): string[] {
  const state = row.healthy === false ? `${row.state} (unhealthy)` : row.state;
  return [
    row.name,
    state,
    row.pid === null ? '-' : String(row.pid),
    row.uptimeMs === null ? '-' : formatDuration(row.uptimeMs),
    String(row.restarts),
    row.memoryBytes === null ? '-' : formatSize(row.memoryBytes),
    describeLastExit(row),
  ];
}

function describeLastExit(row: ReportRow): string {
  const exit = row.lastExit;
  const why = row.reason !== null && row.state !== 'running' ? ` (${row.reason})` : '';
  if (exit === null) return why === '' ? '-' : why.slice(2, -1);
  return `${describeExit(exit.signal, exit.code)} at ${formatTime(exit.at)}${why}`;
}

export function eventCells(event: ReportEvent): string[] {
  return [formatTime(event.at), kindLabel(event.kind), event.name ?? '-', event.detail];
}

/** The line above the events: how many, and since when. */
export function eventsHeading(snapshot: ReportSnapshot): string {
  const total = snapshot.events.length + snapshot.omittedEvents;
  if (snapshot.kind === 'alert') return `${total} ${total === 1 ? 'alert' : 'alerts'}:`;
  if (total === 0) return `Nothing happened since ${formatTime(snapshot.since)}.`;
  const omitted = snapshot.omittedEvents === 0 ? '' : ` (the ${snapshot.omittedEvents} oldest not kept; the last ${snapshot.events.length} below)`;
  return `Since ${formatTime(snapshot.since)}: ${total} ${total === 1 ? 'event' : 'events'}${omitted}.`;
}
