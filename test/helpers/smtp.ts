// A real SMTP server on loopback (nodemailer's smtp-server) that keeps every mail it accepts,
// decoded enough to read: headers, the text part and the HTML part.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly at: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface SmtpOptions {
  /** Require AUTH with these credentials (plain text, no TLS). */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Called for each RCPT TO: a string refuses it with that reply (e.g. "451 4.3.0 try later"). */
  readonly refuse?: () => string | null;
}

export interface SmtpUnderTest {
  readonly port: number;
  /** smtp://[user:pass@]127.0.0.1:port */
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** RCPT TO commands seen, refused ones included. */
  rcptAttempts: number;
  close(): Promise<void>;
}

export async function startSmtpServer(options: SmtpOptions = {}): Promise<SmtpUnderTest> {
  const mails: ReceivedMail[] = [];
  const handle = { rcptAttempts: 0 };
  const server = new SMTPServer({
    secure: false,
    logger: false,
    disabledCommands: options.auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = auth.username === options.auth?.user && auth.password === options.auth?.pass;
      callback(ok ? null : Object.assign(new Error('bad credentials'), { responseCode: 535 }), ok ? { user: auth.username } : undefined);
    },
    onRcptTo(_address, _session, callback) {
      handle.rcptAttempts++;
      const refusal = options.refuse?.() ?? null;
      if (refusal === null) return callback();
      const [code, ...words] = refusal.split(' ');
      callback(Object.assign(new Error(words.join(' ')), { responseCode: Number(code) }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        mails.push({ ...parseMessage(Buffer.concat(chunks).toString('utf8')), at: Date.now(), from, to: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth === undefined ? '' : `${options.auth.user}:${options.auth.pass}@`;
  return Object.assign(handle, {
    port,
    url: `smtp://${credentials}127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** A port nothing listens on (taken from the OS, then let go). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// Just enough MIME for nodemailer's output: unfolded headers, multipart/alternative, and
// 7bit, quoted-printable or base64 parts.
function parseMessage(raw: string): { subject: string; text: string; html: string } {
  const { headers, body } = splitHeaders(raw);
  const parts = flattenParts(headers, body);
  const part = (type: string) => parts.find((p) => (p.headers['content-type'] ?? 'text/plain').startsWith(type))?.text ?? '';
  return { subject: headers.subject ?? '', text: part('text/plain'), html: part('text/html') };
}

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = (at === -1 ? raw : raw.slice(0, at)).replace(/\r\n(?=[ \t])/g, '');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: at === -1 ? '' : raw.slice(at + 4) };
}

function flattenParts(headers: Record<string, string>, body: string): { headers: Record<string, string>; text: string }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(headers['content-type'] ?? '')?.[1];
  if (boundary === undefined) return [{ headers, text: decodeBody(body, headers['content-transfer-encoding'] ?? '7bit') }];
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .flatMap((chunk) => {
      const part = splitHeaders(chunk.replace(/^\r\n/, ''));
      return flattenParts(part.headers, part.body.replace(/\r\n$/, ''));
    });
}

function decodeBody(body: string, encoding: string): string {
  if (encoding.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding.toLowerCase() !== 'quoted-printable') return body.replace(/\r\n/g, '\n');
  const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}
