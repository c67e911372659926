// Reads a PM2 ecosystem file: JSON (.json) or a module (.config.js, .cjs, .mjs) evaluated by
// Node in a child process, so nothing it does touches this process; `apps` or a bare array.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class SourceError extends Error {}

// PM2 require()s its ecosystem file: compile it as CommonJS whatever the package's "type"
// says, and fall back to import() for ES module syntax (.mjs, or `export default`).
const EVALUATE = `
const file = process.argv[1];
const { Module } = await import('node:module');
const { readFileSync } = await import('node:fs');
const { dirname } = await import('node:path');
const { pathToFileURL } = await import('node:url');
let value;
if (!file.endsWith('.mjs')) {
  try {
    const m = new Module(file, null);
    m.filename = file;
    m.paths = Module._nodeModulePaths(dirname(file));
    m._compile(readFileSync(file, 'utf8'), file);
    value = m.exports;
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
}
if (value === undefined) {
  const m = await import(pathToFileURL(file).href);
  value = m.default ?? m;
}
process.stdout.write(JSON.stringify(value, (k, x) => (typeof x === 'function' ? undefined : x)));
`;

export interface Pm2File {
  readonly apps: unknown[];
  /** Top-level keys beside apps (deploy, ...), which supd does not carry over. */
  readonly others: string[];
}

export function loadPm2Apps(file: string): Pm2File {
  const data = /\.(c|m)?js$/.test(file) ? evaluateModule(file) : parseJson(file);
  if (Array.isArray(data)) return { apps: data, others: [] };
  const apps = (data as { apps?: unknown } | null)?.apps;
  if (!Array.isArray(apps)) throw new SourceError(`${file}: no apps: a PM2 ecosystem file holds { apps: [...] } or an array of apps`);
  return { apps, others: Object.keys(data as object).filter((k) => k !== 'apps') };
}

function evaluateModule(file: string): unknown {
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', EVALUATE, file], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    const first = stderr.split('\n').find((l) => /Error|error/.test(l)) ?? stderr.split('\n')[0];
    throw new SourceError(`${file}: cannot evaluate it with Node: ${first?.trim()}`);
  }
}

function parseJson(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position === null) throw new SourceError(`${file}: ${message}`);
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new SourceError(`${file}:${line}:${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}
