// Each process's recent past for `supd describe`: its last state moves and exits, with their
// times, kept in a short ring per process (a process that flaps all day costs the same).
import type { SupervisorEmitter } from './events.js';

/** How many state moves and exits are kept per process. */
export const HISTORY_MOVES = 20;
export const HISTORY_EXITS = 10;

export interface StateMove {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  readonly reason: string | null;
}

export interface ExitRecord {
  readonly at: number;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: string | null;
  readonly uptimeMs: number;
}

export class ProcessHistory {
  private readonly moves = new Map<string, StateMove[]>();
  private readonly exits = new Map<string, ExitRecord[]>();

  constructor(events: SupervisorEmitter, now: () => number) {
    events.on('process:state', ({ name, from, to, reason }) => {
      const list = this.moves.get(name) ?? [];
      const last = list.at(-1);
      // A held-back process is re-explained at every review: one line while nothing changes.
      if (last !== undefined && last.to === to && last.reason === reason) return;
      this.moves.set(name, keepLast([...list, { at: now(), from, to, reason }], HISTORY_MOVES));
    });
    events.on('process:exit', ({ name, pid, code, signal, uptimeMs }) => {
      this.exits.set(name, keepLast([...(this.exits.get(name) ?? []), { at: now(), pid, code, signal, uptimeMs }], HISTORY_EXITS));
    });
    events.on('process:removed', ({ name }) => {
      this.moves.delete(name);
      this.exits.delete(name);
    });
  }

  movesOf(name: string): readonly StateMove[] {
    return this.moves.get(name) ?? [];
  }

  exitsOf(name: string): readonly ExitRecord[] {
    return this.exits.get(name) ?? [];
  }
}

function keepLast<T>(list: T[], count: number): T[] {
  return list.length > count ? list.slice(list.length - count) : list;
}
