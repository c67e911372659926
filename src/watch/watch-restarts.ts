// The watch concern (issue 7): restart a unit when files it watches change. Fed by the
// supervisor: one WatchSet per distinct path set of its config, shared by the units that
// watch it, rebuilt on 'config:reloaded'; a burst of changes is one restart per unit, after
// its debounce, through the supervisor's public restartUnitForWatch.
import path from 'node:path';
import type { SupdConfig, WatchSpec } from '../config/types.js';
import type { Logger } from '../logs/supd-log.js';
import type { SupervisorEmitter } from '../supervisor/events.js';
import { addChange, msUntilDue, type PendingChanges } from './debounce.js';
import { compileIgnores, ownPathRules } from './ignore.js';
import { planTarget } from './target.js';
import { WatchSet } from './watch-set.js';

/** What watching needs of the supervisor (tests give a fake). */
export interface WatchHost {
  readonly currentConfig: SupdConfig;
  readonly events: SupervisorEmitter;
  restartUnitForWatch(unitName: string, changedPath: string): Promise<unknown>;
}

interface SharedSet {
  readonly set: WatchSet;
  readonly paths: readonly string[];
  units: readonly string[];
  readonly ready: Promise<void>;
}

interface UnitWatch {
  debounceMs: number;
  pending: PendingChanges | null;
  timer: NodeJS.Timeout | null;
  restarting: boolean;
}

export class WatchRestarts {
  private readonly sets = new Map<string, SharedSet>();
  private readonly units = new Map<string, UnitWatch>();
  private closed = false;
  private readonly onReload = (): void => {
    this.ready = this.sync(this.host.currentConfig);
  };
  /** Resolves once the watchers of the config last applied are set up. */
  ready: Promise<void>;

  constructor(private readonly host: WatchHost, private readonly log: Logger, private readonly now: () => number = Date.now) {
    this.ready = this.sync(host.currentConfig);
    host.events.on('config:reloaded', this.onReload);
  }

  /** The distinct path sets watched now, with their units and how many directories each watches. */
  describe(): { paths: readonly string[]; units: readonly string[]; dirs: number }[] {
    return [...this.sets.values()].map((s) => ({ paths: s.paths, units: s.units, dirs: s.set.size }));
  }

  close(): void {
    this.closed = true;
    this.host.events.off('config:reloaded', this.onReload);
    for (const shared of this.sets.values()) shared.set.close();
    for (const unit of this.units.values()) if (unit.timer !== null) clearTimeout(unit.timer);
    this.sets.clear();
    this.units.clear();
  }

  // Sets up the watchers the config wants, keeps the ones it still wants, closes the rest.
  private sync(config: SupdConfig): Promise<void> {
    if (this.closed) return Promise.resolve();
    const own = ownPathRules(config);
    const wanted = new Map<string, { spec: WatchSpec; units: string[] }>();
    for (const unit of config.units) {
      if (unit.watch === null) continue;
      const key = JSON.stringify([[...unit.watch.paths].sort(), [...unit.watch.ignore].sort(), own.map((r) => r.source)]);
      const entry = wanted.get(key) ?? { spec: unit.watch, units: [] };
      entry.units.push(unit.name);
      wanted.set(key, entry);
      const known = this.units.get(unit.name);
      if (known !== undefined) known.debounceMs = unit.watch.debounceMs;
      else this.units.set(unit.name, { debounceMs: unit.watch.debounceMs, pending: null, timer: null, restarting: false });
    }
    for (const [name, unit] of this.units) {
      if (config.units.some((u) => u.name === name && u.watch !== null)) continue;
      if (unit.timer !== null) clearTimeout(unit.timer);
      this.units.delete(name);
    }
    for (const [key, shared] of this.sets) {
      if (wanted.has(key)) continue;
      shared.set.close();
      this.sets.delete(key);
      this.log.info(`watch: stopped watching ${shared.paths.join(', ')}`);
    }
    const readies = [...wanted].map(([key, { spec, units }]) => this.openSet(key, spec, units, path.dirname(config.file), own));
    return Promise.all(readies).then(() => undefined);
  }

  private openSet(key: string, spec: WatchSpec, units: readonly string[], configDir: string, own: readonly RegExp[]): Promise<void> {
    const known = this.sets.get(key);
    if (known !== undefined) {
      known.units = units;
      return known.ready;
    }
    const set = new WatchSet({
      targets: spec.paths.map(planTarget),
      ignore: compileIgnores(spec.ignore, configDir, own),
      onChange: (file) => this.onChange(key, file),
      onWarn: (message) => this.log.warn(`watch: ${message}`, this.sets.get(key)?.units.join(', ')),
    });
    const ready = set.start().then(() => {
      if (this.sets.get(key)?.set === set) this.log.info(`watch: watching ${spec.paths.join(', ')} (${set.size} directories)`, this.sets.get(key)!.units.join(', '));
    });
    this.sets.set(key, { set, paths: spec.paths, units, ready });
    return ready;
  }

  private onChange(key: string, file: string): void {
    for (const name of this.sets.get(key)?.units ?? []) {
      const unit = this.units.get(name);
      if (unit === undefined) continue;
      unit.pending = addChange(unit.pending, file, this.now());
      if (unit.timer === null && !unit.restarting) this.arm(name, unit, unit.debounceMs);
    }
  }

  private arm(name: string, unit: UnitWatch, ms: number): void {
    unit.timer = setTimeout(() => this.fire(name, unit), ms);
  }

  // The debounce ran out (or a restart ended with changes pending): restart, unless changes
  // kept coming, which moves the restart to `debounce` after the last of them.
  private fire(name: string, unit: UnitWatch): void {
    unit.timer = null;
    if (this.closed || unit.pending === null || this.units.get(name) !== unit) return;
    const wait = msUntilDue(unit.pending, unit.debounceMs, this.now());
    if (wait > 0) return this.arm(name, unit, wait);
    const { first, count } = unit.pending;
    unit.pending = null;
    unit.restarting = true;
    this.log.info(`watch: ${first} changed${count > 1 ? ` (${count} changes)` : ''}: restarting`, name);
    this.host
      .restartUnitForWatch(name, first)
      .catch((error: Error) => this.log.error(`watch: restart failed: ${error.message}`, name))
      .finally(() => {
        unit.restarting = false;
        if (unit.pending !== null && !this.closed) this.arm(name, unit, msUntilDue(unit.pending, unit.debounceMs, this.now()));
      });
  }
}
