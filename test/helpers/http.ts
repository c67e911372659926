// Talking to supd's HTTP listener in tests: the login URL from `supd dashboard`, and plain
// requests with full control of the headers (Host, Origin, Cookie), which fetch does not give.
import http from 'node:http';
import type { SupdUnderTest } from './supd.js';

export interface Dashboard {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  readonly token: string;
  /** The login URL `supd dashboard` printed. */
  readonly url: string;
  readonly cookie: string;
}

export async function dashboardOf(supd: SupdUnderTest): Promise<Dashboard> {
  const result = await supd.cli('dashboard');
  if (result.code !== 0) throw new Error(`supd dashboard failed (${result.code}): ${result.stderr}`);
  const url = result.stdout.trim();
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token')!;
  return { base: parsed.origin, token, url, cookie: `supd_session=${token}` };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An action as the dashboard sends it: POST, JSON, its own Origin, the cookie. */
export function act(d: Dashboard, cmd: string, body: unknown): Promise<HttpResult> {
  return request(`${d.base}/api/${cmd}`, {
    method: 'POST',
    headers: { Cookie: d.cookie, Origin: d.base, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Series of a scrape by name: `metric{labels}` -> value. */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

export async function scrape(d: Dashboard, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await request(`${d.base}/metrics`, { headers });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${res.body}`);
  return parseMetrics(res.body);
}
