// After a rotation, in the background: gzip the rotated file and delete the oldest beyond
// `keep`. One job at a time per log, never on the write path: the live file is already
// reopened when this starts, so a child's output keeps flowing while zlib works on the
// thread pool. A supd that died mid-compression leaves `.gz.partial`: redone at the next start.
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { listRotated, pathsToPrune } from './rotated-files.js';

/** Fast gzip: about five times cheaper than gzip's default level 6, for a few percent more bytes. */
const GZIP_LEVEL = constants.Z_BEST_SPEED;

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
  const prune = async (): Promise<void> => {
    for (const victim of pathsToPrune(await listRotated(file), keep)) await rm(victim, { force: true });
  };
  return {
    afterRotation(rotated) {
      // Prune first: under a flood of rotations, a file already beyond `keep` is not compressed.
      enqueue(prune);
      if (compress && keep > 0) enqueue(() => gzipFile(rotated));
    },
    recover() {
      enqueue(async () => {
        const listing = await listRotated(file);
        for (const partial of listing.partials) await rm(partial, { force: true });
        const fresh = await listRotated(file);
        const keepFrom = Math.max(0, fresh.files.length - keep);
        if (compress) for (const f of fresh.files.slice(keepFrom)) if (!f.compressed) await gzipFile(f.path);
        await prune();
      });
    },
    idle() {
      return chain;
    },
  };
}

// Writes `<file>.gz.partial`, renames it to `.gz`, then removes the plain file: a `.gz`
// that exists is always whole. A file pruned meanwhile is simply skipped.
async function gzipFile(source: string): Promise<void> {
  const partial = `${source}.gz.partial`;
  try {
    await pipeline(createReadStream(source), createGzip({ level: GZIP_LEVEL }), createWriteStream(partial, { mode: 0o640 }));
  } catch (error) {
    await rm(partial, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rename(partial, `${source}.gz`);
  await unlink(source).catch(() => undefined);
}
