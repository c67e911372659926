// The listener's rules (SPEC section 9), pure: who is logged in (the cookie), which Host names
// are this server (against DNS rebinding), which requests may act (POST, JSON, same Origin).
import { timingSafeEqual } from 'node:crypto';
import { isLoopbackHost, type ListenAddress } from '../config/listen-address.js';

export const COOKIE_NAME = 'supd_session';

/** Compares secrets in constant time. */
export function isSameSecret(given: string | undefined | null, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return `${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The host name of a Host header (`[::1]:9190` -> `::1`), lower case, or null if malformed. */
export function hostNameOf(host: string | undefined): string | null {
  if (host === undefined || host === '') return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::[0-9]{1,5})?$/.exec(host);
  return match === null ? null : match[1]!.replace(/^\[|\]$/g, '').toLowerCase();
}

// A page on evil.test whose name was made to resolve to 127.0.0.1 (DNS rebinding) sends
// `Host: evil.test`: only the listen address and loopback names are this server. Over TLS any
// name may be used (a rebound name fails the certificate); a unix socket is reached only
// through a local proxy, which sets the Host it serves.
export function isHostAllowed(host: string | undefined, listen: ListenAddress, tls: boolean): boolean {
  const name = hostNameOf(host);
  if (name === null) return false;
  if (tls || listen.kind === 'unix') return true;
  return isLoopbackHost(name) || name === listen.host.replace(/^\[|\]$/g, '').toLowerCase();
}

/** An action's Origin must be this server's own (`http://127.0.0.1:9190`), as the browser says it. */
export function isSameOrigin(origin: string | undefined, host: string | undefined, tls: boolean): boolean {
  if (origin === undefined || host === undefined) return false;
  return origin.toLowerCase() === `${tls ? 'https' : 'http'}://${host}`.toLowerCase();
}

/** `application/json` (with or without a charset). */
export function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}
