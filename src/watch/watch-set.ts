// One watcher for one distinct path set, shared by every unit that watches those paths.
// Node's own fs.watch on each directory (one inotify watch per directory, not per file:
// chokidar 4 and Node 20's recursive mode both watch every file), ignored directories never
// entered, and for a path that does not exist its deepest existing parent watched for its
// creation. Measured in bench/watch.js.
import { watch, type Dirent, type FSWatcher, type Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isIgnored, type IgnoreRules } from './ignore.js';
import { isAtOrAbove, isBelow, type WatchTarget } from './target.js';

export interface WatchSetOptions {
  readonly targets: readonly WatchTarget[];
  readonly ignore: IgnoreRules;
  /** A path that changed, not ignored and matching a target. */
  readonly onChange: (file: string) => void;
  readonly onWarn: (message: string) => void;
}

interface WatchedDir {
  readonly watcher: FSWatcher;
  /** Why it is watched (`anchor:<base>`, `tree:<base>`); closed when nothing holds it. */
  readonly holds: Set<string>;
}

export class WatchSet {
  private readonly dirs = new Map<string, WatchedDir>();
  /** Per target: the directory watched for its base's creation, removal or replacement. */
  private readonly anchors = new Map<WatchTarget, string>();
  /** Per target: the identity of the base directory whose tree is watched. */
  private readonly trees = new Map<WatchTarget, string>();
  private readonly anchoring = new Map<WatchTarget, Promise<void>>();
  /** Targets whose base is missing (warned once until it exists again). */
  private readonly missing = new Set<WatchTarget>();
  private closed = false;

  constructor(private readonly options: WatchSetOptions) {}

  /** Resolves once every existing directory of the set is watched. */
  async start(): Promise<void> {
    await Promise.all(this.options.targets.map((t) => this.reanchor(t, false)));
  }

  close(): void {
    this.closed = true;
    for (const dir of this.dirs.values()) dir.watcher.close();
    this.dirs.clear();
  }

  /** Directories watched now (one inotify watch each). */
  get size(): number {
    return this.dirs.size;
  }

  // One re-plan at a time per target, so a burst about its base (mkdir -p, a symlink swap) applies in order.
  private reanchor(target: WatchTarget, report: boolean): Promise<void> {
    const next = (this.anchoring.get(target) ?? Promise.resolve())
      .then(() => this.anchor(target, report))
      .catch((error: Error) => this.options.onWarn(`cannot watch ${target.base}: ${error.message}`));
    this.anchoring.set(target, next);
    return next;
  }

  // Watches the deepest existing directory above base, then base's tree when base is a directory
  // (again only when it is another directory than before: a symlink swapped, a dir recreated).
  private async anchor(target: WatchTarget, report: boolean): Promise<void> {
    let dir = path.dirname(target.base);
    while ((await statOrNull(dir, stat))?.isDirectory() !== true && dir !== path.dirname(dir)) dir = path.dirname(dir);
    if (this.closed) return;
    const hold = `anchor:${target.base}`;
    const old = this.anchors.get(target);
    if (old !== dir && this.hold(dir, hold)) {
      if (old !== undefined) this.release(old, hold);
      this.anchors.set(target, dir);
    }
    const info = await statOrNull(target.base, stat);
    // Created just now (maybe before its directory was watched): that is a change.
    if (report && info !== null && target.pattern.test(target.base)) this.options.onChange(target.base);
    const identity = info?.isDirectory() === true ? `${info.dev}:${info.ino}` : null;
    if (this.closed || (identity !== null && this.trees.get(target) === identity)) return;
    this.releaseTree(target, target.base);
    this.trees.delete(target);
    if (info === null && !this.missing.has(target)) this.options.onWarn(`${target.base} does not exist; watching ${dir} for its creation`);
    if (info === null) this.missing.add(target);
    else this.missing.delete(target);
    if (identity === null) return;
    this.trees.set(target, identity);
    await this.addTree(target, target.base, report);
  }

  // Watches dir (and, for a descending target, every directory below it that is not ignored);
  // `report`: the tree is new, so what it holds counts as changed.
  private async addTree(target: WatchTarget, dir: string, report: boolean): Promise<void> {
    const hold = `tree:${target.base}`;
    if (this.closed || this.dirs.get(dir)?.holds.has(hold) === true || isIgnored(this.options.ignore, target.base, dir)) return;
    if (!this.hold(dir, hold)) return;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone already: its parent's event releases it
    }
    const below: string[] = [];
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (this.closed || isIgnored(this.options.ignore, target.base, file)) continue;
      if (report && target.pattern.test(file)) this.options.onChange(file);
      if (target.descend && entry.isDirectory()) below.push(file);
    }
    await Promise.all(below.map((d) => this.addTree(target, d, report)));
  }

  private onEvent(dir: string, type: string, name: string | null): void {
    if (this.closed) return;
    const file = name === null ? dir : path.join(dir, name);
    // A watched directory that is removed reports its own name; its parent's watch tells the rest.
    if (name !== null && name === path.basename(dir)) {
      void statOrNull(dir, stat).then((info) => (info === null ? this.onDirGone(dir) : this.dispatch(dir, type, file)));
    } else this.dispatch(dir, type, file);
  }

  private dispatch(dir: string, type: string, file: string): void {
    let counted = false;
    for (const target of this.options.targets) {
      if (this.anchors.get(target) === dir && isAtOrAbove(file, target.base)) void this.reanchor(target, true);
      if (isIgnored(this.options.ignore, target.base, file)) continue;
      const inTree = target.descend && isBelow(file, target.base) && this.dirs.get(dir)?.holds.has(`tree:${target.base}`) === true;
      if (inTree && type === 'rename') void this.follow(target, file);
      if (!counted && target.pattern.test(file)) {
        counted = true;
        this.options.onChange(file);
      }
    }
  }

  // Something appeared or went in a watched tree: watch a new directory, forget a removed one.
  private async follow(target: WatchTarget, file: string): Promise<void> {
    const info = await statOrNull(file, lstat);
    if (info === null) this.releaseTree(target, file);
    else if (info.isDirectory()) await this.addTree(target, file, true);
  }

  private onDirGone(dir: string): void {
    for (const target of this.options.targets) if (this.anchors.get(target) === dir) void this.reanchor(target, true);
  }

  private hold(dir: string, why: string): boolean {
    const known = this.dirs.get(dir);
    if (known !== undefined) {
      known.holds.add(why);
      return true;
    }
    try {
      const watcher = watch(dir, { persistent: false }, (type, name) => this.onEvent(dir, type, name));
      watcher.on('error', () => this.forget(dir));
      this.dirs.set(dir, { watcher, holds: new Set([why]) });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC') this.options.onWarn(`cannot watch ${dir}: the inotify limit is reached (raise fs.inotify.max_user_watches)`);
      else if (code !== 'ENOENT') this.options.onWarn(`cannot watch ${dir}: ${code ?? String(error)}`);
      return false;
    }
  }

  private release(dir: string, why: string): void {
    const known = this.dirs.get(dir);
    if (known === undefined) return;
    known.holds.delete(why);
    if (known.holds.size === 0) this.forget(dir);
  }

  private releaseTree(target: WatchTarget, top: string): void {
    for (const dir of [...this.dirs.keys()]) if (dir === top || isBelow(dir, top)) this.release(dir, `tree:${target.base}`);
  }

  private forget(dir: string): void {
    this.dirs.get(dir)?.watcher.close();
    this.dirs.delete(dir);
  }
}

async function statOrNull(file: string, how: (file: string) => Promise<Stats>): Promise<Stats | null> {
  try {
    return await how(file);
  } catch {
    return null;
  }
}
