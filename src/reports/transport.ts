// Delivers one mail through its transport: SMTP or sendmail with nodemailer (loaded only when
// a mail goes out, so an idle supd and the CLI never load it), or appended to a file.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TransportSpec } from '../config/types.js';
import type { MailMessage } from './message.js';

export interface Delivery {
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
  /** The server's last answer (`250 OK ...`), or what was done (`appended to ...`). */
  readonly response: string;
}

export type Deliver = (transport: TransportSpec, message: MailMessage) => Promise<Delivery>;

/** Short enough that a dead server fails a send in seconds, not nodemailer's minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export const deliverMail: Deliver = async (transport, message) => {
  if (transport.kind === 'file') return appendToFile(transport.path, message);
  const { createTransport } = await import('nodemailer');
  const mailer =
    transport.kind === 'smtp'
      ? createTransport({ url: transport.url, ...SMTP_TIMEOUTS })
      : createTransport({ sendmail: true, path: transport.path, newline: 'unix' });
  try {
    const info = await mailer.sendMail({ ...message, to: [...message.to] });
    return {
      accepted: addresses(info.accepted ?? message.to),
      rejected: addresses(info.rejected ?? []),
      response: String(info.response ?? 'sent').trim(),
    };
  } finally {
    mailer.close();
  }
};

function addresses(list: readonly unknown[]): string[] {
  return list.map((a) => (typeof a === 'object' && a !== null && 'address' in a ? String(a.address) : String(a)));
}

// The text, headed like a mail (so `to` means something here too), one entry after another.
async function appendToFile(file: string, message: MailMessage): Promise<Delivery> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await appendFile(file, formatFileEntry(message, new Date()), { mode: 0o640 });
  return { accepted: [...message.to], rejected: [], response: `appended to ${file}` };
}

export function formatFileEntry(message: MailMessage, date: Date): string {
  const headers = [`Date: ${date.toUTCString()}`, `From: ${message.from}`, `To: ${message.to.join(', ')}`, `Subject: ${message.subject}`];
  return `${'='.repeat(72)}\n${headers.join('\n')}\n\n${message.text.trimEnd()}\n\n`;
}
