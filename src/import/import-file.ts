// `supd import`: which kind of file this is, and its conversion to a daemons.toml text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IniError } from './ini.js';
import type { ImportResult } from './model.js';
import { importPm2 } from './pm2.js';
import { loadPm2Apps, SourceError } from './pm2-load.js';
import { importProcfile } from './procfile.js';
import { importSupervisord } from './supervisord.js';
import { renderToml } from './toml-writer.js';

export type ImportSource = 'supervisord' | 'pm2' | 'procfile';
export const IMPORT_SOURCES: readonly ImportSource[] = ['supervisord', 'pm2', 'procfile'];

export interface ImportRequest {
  readonly file: string;
  readonly from: ImportSource | null;
  /** The daemons.toml to be written: relative paths in it are relative to its directory. */
  readonly outFile: string;
  readonly envName: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export { SourceError };

/** The source kind by name, then by content. */
export function detectSource(file: string, text: string): ImportSource | null {
  const base = path.basename(file);
  if (/^Procfile/i.test(base)) return 'procfile';
  if (/\.(conf|ini)$/i.test(base)) return 'supervisord';
  if (/\.(json|c?js|mjs)$/i.test(base)) return 'pm2';
  if (/^\s*\[(program|group|supervisord|include|fcgi-program|eventlistener):?/m.test(text)) return 'supervisord';
  if (/^\s*[\[{]/.test(text)) return 'pm2';
  if (/^[A-Za-z0-9_-]+:\s*\S/m.test(text)) return 'procfile';
  return null;
}

export function importFile(request: ImportRequest): { text: string; result: ImportResult; source: ImportSource } {
  let text: string;
  try {
    text = readFileSync(request.file, 'utf8');
  } catch (error) {
    throw new SourceError(`${request.file}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const source = request.from ?? detectSource(request.file, text);
  if (source === null) throw new SourceError(`${request.file}: cannot tell what it is: name it with --from supervisord|pm2|procfile`);
  const result = convert(source, request, text);
  return { text: renderToml(result), result, source };
}

function convert(source: ImportSource, request: ImportRequest, text: string): ImportResult {
  try {
    if (source === 'procfile') return importProcfile(text, request.file);
    if (source === 'supervisord') return importSupervisord({ file: request.file, env: request.env });
    const outDir = path.dirname(path.resolve(request.outFile));
    const loaded = loadPm2Apps(request.file);
    return importPm2({ file: request.file, apps: loaded.apps, others: loaded.others, envName: request.envName, outDir, configName: path.basename(request.outFile) });
  } catch (error) {
    if (error instanceof IniError) throw new SourceError(error.message);
    throw error;
  }
}
