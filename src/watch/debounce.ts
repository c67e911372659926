// A burst of changes is one restart: the changes seen since a unit's last watch restart, due
// once none has come for `debounce`. Pure: time is a parameter.

export interface PendingChanges {
  /** The first changed path, for the log line. */
  readonly first: string;
  readonly count: number;
  readonly lastAt: number;
}

export function addChange(pending: PendingChanges | null, file: string, now: number): PendingChanges {
  return pending === null ? { first: file, count: 1, lastAt: now } : { first: pending.first, count: pending.count + 1, lastAt: now };
}

/** Milliseconds until the restart is due; 0 = now. */
export function msUntilDue(pending: PendingChanges, debounceMs: number, now: number): number {
  return Math.max(0, pending.lastAt + debounceMs - now);
}
