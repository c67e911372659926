// After a rotation, in the background: gzip the rotated file and delete the oldest beyond
// `keep`. One job at a time per log, never on the write path: the live file is already
// reopened when this starts, so a child's output keeps flowing while zlib works on the
// thread pool. Compression also waits for a burst of output to pass (QUIET_MS without a
// rotation, at most MAX_WAIT_MS), so on a small machine it does not take CPU from the burst.
// A supd that died mid-compression leaves `.gz.partial`: redone at the next start.
import { createWriteStream } from 'node:fs';
import { open, rename, rm, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { zlib } from '../lazy-builtins.js';
import { listRotated, pathsToPrune } from './rotated-files.js';

const READ_BYTES = 256 * 1024;
const QUIET_MS = 250;
const MAX_WAIT_MS = 10_000;

export interface Housekeeper {
  /** A rotation just produced `rotated`: compress it (if asked), then prune. */
  afterRotation(rotated: string): void;
  /** At open: finish what a previous supd left (uncompressed rotated files, partial .gz), then prune. */
  recover(): void;
  idle(): Promise<void>;
}

export function createHousekeeper(file: string, keep: number, compress: boolean, onError: (message: string) => void): Housekeeper {
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>): void => {
    chain = chain.then(job).catch((error: Error) => onError(`${file}: ${error.message}`));
  };
  const prune = (): Promise<void> => pruneRotated(file, keep);
  const waiting: Array<{ path: string; since: number }> = [];
  let quiet: NodeJS.Timeout | null = null;
  // A file pruned while it waited is skipped by gzipFile.
  const compressWaiting = (): void => {
    if (quiet !== null) clearTimeout(quiet);
    quiet = null;
    for (const { path } of waiting.splice(0)) enqueue(() => gzipFile(path));
  };
  return {
    afterRotation(rotated) {
      enqueue(prune);
      if (!compress || keep === 0) return;
      waiting.push({ path: rotated, since: Date.now() });
      if (quiet !== null) clearTimeout(quiet);
      if (Date.now() - waiting[0]!.since >= MAX_WAIT_MS) compressWaiting();
      else quiet = setTimeout(compressWaiting, QUIET_MS);
    },
    recover() {
      enqueue(async () => {
        await finishLeftovers(file, keep, compress);
        await prune();
      });
    },
    idle() {
      compressWaiting();
      return chain;
    },
  };
}

async function pruneRotated(file: string, keep: number): Promise<void> {
  for (const victim of pathsToPrune(await listRotated(file), keep)) await rm(victim, { force: true });
}

// What a previous supd left: half-written .gz files go, the rotated files it kept but had not
// compressed yet are compressed.
async function finishLeftovers(file: string, keep: number, compress: boolean): Promise<void> {
  const listing = await listRotated(file);
  for (const partial of listing.partials) await rm(partial, { force: true });
  const fresh = await listRotated(file);
  const keepFrom = Math.max(0, fresh.files.length - keep);
  if (compress) for (const f of fresh.files.slice(keepFrom)) if (!f.compressed) await gzipFile(f.path);
}

// Writes `<file>.gz.partial`, renames it to `.gz`, then removes the plain file: a `.gz`
// that exists is always whole. A file pruned meanwhile is simply skipped. The file is read
// into one reused buffer (zlib is done with a chunk when its write callback runs), so
// compressing 10 MB leaves no 10 MB of garbage behind for the collector.
async function gzipFile(source: string): Promise<void> {
  const input = await open(source, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (input === null) return;
  const partial = `${source}.gz.partial`;
  // Fast gzip: about five times cheaper than gzip's default level 6, for a few percent more bytes.
  const { createGzip, constants } = zlib();
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const written = pipeline(gzip, createWriteStream(partial, { mode: 0o640 }));
  try {
    const block = Buffer.allocUnsafe(READ_BYTES);
    for (;;) {
      const { bytesRead } = await input.read(block, 0, READ_BYTES, null);
      if (bytesRead === 0) break;
      await new Promise<void>((resolve, reject) => gzip.write(block.subarray(0, bytesRead), (error) => (error ? reject(error) : resolve())));
    }
    gzip.end();
    await written;
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    await input.close();
  }
  await rename(partial, `${source}.gz`);
  await unlink(source).catch(() => undefined);
}
