// `processes = "max"` (one per CPU) and `"max-N"` (N fewer, at least 1), as pm2's `instances`.
// Resolved once, when the config is normalized (and by `supd scale web max`), on the machine
// that runs them: a count is a number everywhere past this point.
import { availableParallelism } from 'node:os';
import { schemaAt } from './schema.js';

/** The most copies of one unit, and of a whole config: the schema's bound on `processes`. */
export const MAX_PROCESSES = (schemaAt('#/$defs/processKeys/properties/processes').anyOf as Array<{ maximum?: number }>)[0]!.maximum as number;

/** A count as written (a number, "max", "max-2") as a number; null if it is neither. */
export function resolveProcessCount(value: number | string, cpus: number = availableParallelism()): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const match = /^max(?:-([0-9]+))?$/.exec(value);
  if (match === null) return null;
  return Math.max(1, cpus - Number(match[1] ?? 0));
}
