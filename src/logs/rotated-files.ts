// The rotated files of one log: `<file>.<UTC time>` (then `.gz`). Names sort by age, so a
// rotation renames only the live file, and compressing one never races a rename of another
// (numbered names like `.1` `.2` would shift every file at every rotation).
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** `20250131T120000.123Z` */
const STAMP = /^(\d{8}T\d{6}\.\d{3}Z)(\.gz)?(\.partial)?$/;

export interface RotatedFile {
  readonly path: string;
  readonly stamp: string;
  readonly compressed: boolean;
}

export function formatStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

export function parseStamp(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z$/.exec(stamp);
  return m === null ? NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
}

export function rotatedName(file: string, ms: number): string {
  return `${file}.${formatStamp(ms)}`;
}

/** What sits beside a log: its rotated files by stamp (oldest first), and half-written .gz files. */
export interface RotatedListing {
  /** One entry per stamp; when both the plain file and its .gz exist, the plain one (the .gz may be half done). */
  readonly files: readonly RotatedFile[];
  /** Every path of a stamp (plain, .gz, .partial), for pruning. */
  readonly pathsByStamp: ReadonlyMap<string, readonly string[]>;
  readonly partials: readonly string[];
}

export function classifyRotated(file: string, names: readonly string[]): RotatedListing {
  const base = `${path.basename(file)}.`;
  const dir = path.dirname(file);
  const byStamp = new Map<string, { plain: boolean; gz: boolean; paths: string[] }>();
  const partials: string[] = [];
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const m = STAMP.exec(name.slice(base.length));
    if (m === null) continue;
    const full = path.join(dir, name);
    const entry = byStamp.get(m[1]!) ?? { plain: false, gz: false, paths: [] };
    entry.paths.push(full);
    if (m[3] !== undefined) partials.push(full);
    else if (m[2] !== undefined) entry.gz = true;
    else entry.plain = true;
    byStamp.set(m[1]!, entry);
  }
  const stamps = [...byStamp.keys()].sort();
  const files: RotatedFile[] = [];
  for (const stamp of stamps) {
    const entry = byStamp.get(stamp)!;
    const plain = path.join(dir, `${base}${stamp}`);
    if (entry.plain) files.push({ path: plain, stamp, compressed: false });
    else if (entry.gz) files.push({ path: `${plain}.gz`, stamp, compressed: true });
  }
  return { files, pathsByStamp: new Map(stamps.map((s) => [s, byStamp.get(s)!.paths])), partials };
}

export async function listRotated(file: string): Promise<RotatedListing> {
  let names: string[];
  try {
    names = await readNames(path.dirname(file));
  } catch {
    names = [];
  }
  return classifyRotated(file, names);
}

// At start every log's housekeeper lists the log dir, three times: with 500 processes that
// was 3,000 listings of a 1,000-file directory (3 million names, 70 MB of garbage, most of
// supd's CPU while it spawns). Listings asked for in one event-loop turn now share one
// readdir. It is issued in that turn, after whatever each asker waited for (a rename) had
// completed, so none gets an older view than a readdir of its own would give.
const listing = new Map<string, Promise<string[]>>();
function readNames(dir: string): Promise<string[]> {
  let names = listing.get(dir);
  if (names === undefined) {
    names = readdir(dir);
    listing.set(dir, names);
    setImmediate(() => listing.delete(dir));
  }
  return names;
}

/** The paths to delete so that only the newest `keep` stamps remain. */
export function pathsToPrune(listing: RotatedListing, keep: number): string[] {
  const stamps = [...listing.pathsByStamp.keys()];
  return stamps.slice(0, Math.max(0, stamps.length - keep)).flatMap((s) => listing.pathsByStamp.get(s)!);
}
