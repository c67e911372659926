// The optional HTTP listener (SPEC section 9): /metrics, the dashboard's files and its API.
// Every request passes the Host check; all but /metrics (unless metrics_token) need the login
// cookie; actions go through the control handler like the CLI's requests (actions.ts).
import { rmSync, chmodSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { HttpSpec } from '../config/types.js';
import type { RequestHandler } from '../control/server.js';
import { isSupdError } from '../errors.js';
import type { Logger } from '../logs/supd-log.js';
import { describeAction, isAction, statusForError, toRequest } from './actions.js';
import { COOKIE_NAME, isHostAllowed, isJson, isSameOrigin, isSameSecret, readCookie, sessionCookie } from './auth.js';
import type { LiveFeed } from './live.js';
import { METRICS_CONTENT_TYPE } from './metrics.js';
import { serveLogStream, readSupdLogTail } from './log-routes.js';
import { serveStatic } from './static-files.js';

export interface HttpDeps {
  readonly spec: HttpSpec;
  readonly token: string;
  readonly handle: RequestHandler;
  readonly metrics: () => string;
  readonly live: LiveFeed;
  readonly log: Logger;
  readonly supdLogFile: () => string;
  readonly webDir: string;
}

export interface HttpListener {
  /** The dashboard's login URL (with the token). */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
const GET_ROUTES = new Set(['/api/status', '/api/live', '/api/logs', '/api/supd-log']);

export async function startHttpListener(deps: HttpDeps): Promise<HttpListener> {
  const { spec } = deps;
  const tls = spec.cert !== null && spec.key !== null;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req, res, deps, tls).catch((error: Error) => {
      deps.log.error(`http: ${req.method} ${req.url}: ${error.message}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'SUPD_E_INTERNAL', message: error.message } });
      else res.end();
    });
  };
  const server = tls ? https.createServer({ cert: readFileSync(spec.cert!), key: readFileSync(spec.key!) }, onRequest) : http.createServer(onRequest);
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // SSE streams stay open
  server.keepAliveTimeout = 5_000;
  if (spec.listen.kind === 'unix') rmSync(spec.listen.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (spec.listen.kind === 'unix') server.listen(spec.listen.path, done);
    else server.listen(spec.listen.port, spec.listen.host, done);
  });
  if (spec.listen.kind === 'unix') chmodSync(spec.listen.path, 0o600);
  const url = `${baseUrl(spec, tls, server.address())}/?token=${deps.token}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        if (spec.listen.kind === 'unix') rmSync(spec.listen.path, { force: true });
      }),
  };
}

function baseUrl(spec: HttpSpec, tls: boolean, address: string | AddressInfo | null): string {
  const scheme = tls ? 'https' : 'http';
  if (spec.listen.kind === 'unix' || address === null || typeof address === 'string') return `${scheme}://localhost`;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

async function route(req: IncomingMessage, res: ServerResponse, deps: HttpDeps, tls: boolean): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  if (!isHostAllowed(req.headers.host, deps.spec.listen, tls)) return sendText(res, 403, 'forbidden: this Host is not the address supd listens on\n');
  if (path === '/metrics') return serveMetrics(req, res, deps);
  const token = url.searchParams.get('token');
  if (path === '/' && token !== null) {
    if (!isSameSecret(token, deps.token)) return sendText(res, 401, 'unauthorized: wrong token (run `supd dashboard` for the URL)\n');
    res.writeHead(303, { 'Set-Cookie': sessionCookie(deps.token, tls), Location: '/', 'Cache-Control': 'no-store' });
    return void res.end();
  }
  if (!isSameSecret(readCookie(req.headers.cookie, COOKIE_NAME), deps.token)) {
    return sendText(res, 401, 'unauthorized: open the URL that `supd dashboard` prints\n');
  }
  if (path.startsWith('/api/')) {
    const cmd = path.slice('/api/'.length);
    if (isAction(cmd)) return serveAction(cmd, req, res, deps, tls);
    if (!GET_ROUTES.has(path)) return sendJson(res, 404, { error: { code: 'SUPD_E_USAGE', message: `no such API: ${path}` } });
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    return serveRead(path, url, req, res, deps);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
  return serveStatic(deps.webDir, path, res);
}

function serveMetrics(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): void {
  const wanted = deps.spec.metricsToken;
  if (wanted !== null && !isSameSecret(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1], wanted)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return sendText(res, 401, 'unauthorized: /metrics needs Authorization: Bearer <metrics_token>\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
  const body = deps.metrics();
  res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function serveRead(path: string, url: URL, req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  if (path === '/api/live') return deps.live.attach(res);
  if (path === '/api/logs') return serveLogStream(url, req, res, deps.handle);
  if (path === '/api/supd-log') return sendJson(res, 200, { lines: readSupdLogTail(deps.supdLogFile(), Number(url.searchParams.get('lines') ?? 200)) });
  return answer(res, deps, { id: 0, cmd: 'status' });
}

// POST, JSON, same Origin (SPEC section 9), then the control handler; logged `via http`.
async function serveAction(cmd: Parameters<typeof toRequest>[0], req: IncomingMessage, res: ServerResponse, deps: HttpDeps, tls: boolean): Promise<void> {
  if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
  if (!isSameOrigin(req.headers.origin, req.headers.host, tls)) return sendText(res, 403, 'forbidden: an action needs this page\'s own Origin\n');
  if (!isJson(req.headers['content-type'])) return sendText(res, 403, 'forbidden: an action is a JSON body (Content-Type: application/json)\n');
  const text = await readBody(req);
  if (text === null) return sendJson(res, 413, { error: { code: 'SUPD_E_USAGE', message: `body larger than ${MAX_BODY_BYTES} bytes` } });
  let request;
  try {
    request = toRequest(cmd, text === '' ? {} : JSON.parse(text));
  } catch (error) {
    return sendJson(res, 400, { error: { code: 'SUPD_E_USAGE', message: (error as Error).message } });
  }
  const line = describeAction(request);
  deps.log.info(line);
  deps.live.audit(line);
  return answer(res, deps, request);
}

async function answer(res: ServerResponse, deps: HttpDeps, request: Parameters<RequestHandler>[0]): Promise<void> {
  try {
    const result = await deps.handle(request, idleStream());
    sendJson(res, 200, result);
  } catch (error) {
    if (!isSupdError(error)) throw error;
    sendJson(res, statusForError(error.code), { error: { code: error.code, message: error.message, ...(error.issues.length > 0 ? { issues: error.issues } : {}) } });
  }
}

function idleStream(): Parameters<RequestHandler>[1] {
  return { send: () => false, drained: () => Promise.resolve(), signal: new AbortController().signal };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendText(res, 405, `method not allowed: use ${allow}\n`);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}
