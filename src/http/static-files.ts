// The dashboard's own files from web/: a fixed list, no directory listing, no path from the
// request ever touching the file system.
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const FILES: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
  '/vendor/htm-preact.mjs': 'vendor/htm-preact.mjs',
  '/favicon.svg': 'favicon.svg',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const cache = new Map<string, Buffer>();

export function serveStatic(webDir: string, urlPath: string, res: ServerResponse): void {
  const file = FILES[urlPath];
  if (file === undefined) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    return void res.end('not found\n');
  }
  const full = path.join(webDir, file);
  let body = cache.get(full);
  if (body === undefined) {
    body = readFileSync(full);
    cache.set(full, body);
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(body);
}

/** web/ of the package (dist/src/http -> the package root). */
export function findWebDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../web');
}
