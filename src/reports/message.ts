// A snapshot made into a mail: subject from its template, the text and HTML bodies, sender
// and recipients. Pure.
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import type { ReportSnapshot } from './snapshot.js';

export interface MailMessage {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Addressing {
  readonly from: string | null;
  readonly to: readonly string[];
  /** With `{host}` and `{summary}`. */
  readonly subject: string;
}

export function composeMail(snapshot: ReportSnapshot, summary: string, addressing: Addressing): MailMessage {
  return {
    from: addressing.from ?? defaultSender(snapshot.host),
    to: addressing.to,
    subject: fillSubject(addressing.subject, snapshot.host, summary),
    text: renderText(snapshot, summary),
    html: renderHtml(snapshot, summary),
  };
}

/** SPEC: `from` defaults to supd@<hostname>. */
export function defaultSender(host: string): string {
  return `supd@${host}`;
}

export function fillSubject(template: string, host: string, summary: string): string {
  // One pass, so a host or summary that holds "{summary}" is not replaced again.
  return template.replace(/\{(host|summary)\}/g, (_, key: string) => (key === 'host' ? host : summary));
}
