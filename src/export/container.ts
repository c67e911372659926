// What compose and Kubernetes share: one container per unit, so per-copy values and
// loopback probes are said in container terms, and the same things are out of reach.
import type { HealthSpec, ReadySpec, UnitSpec } from '../config/types.js';
import { hasPerCopy, translatePerCopy } from './per-copy.js';
import { note, unitPath, type ExportNote } from './types.js';

export type Probe =
  | { readonly kind: 'tcp'; readonly port: number; readonly host: string | null }
  | { readonly kind: 'http'; readonly port: number; readonly path: string; readonly scheme: 'HTTP' | 'HTTPS'; readonly host: string | null; readonly url: string }
  | { readonly kind: 'exec'; readonly argv: readonly string[] };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]', '0.0.0.0']);

/** A ready or health check as a container probe; a loopback host becomes the container's own. */
export function toProbe(spec: ReadySpec | HealthSpec): Probe | null {
  if (spec.kind === 'exec') return { kind: 'exec', argv: spec.target as readonly string[] };
  if (spec.kind === 'tcp') {
    const match = /^(.*):(\d+)$/.exec(String(spec.target));
    if (match === null) return null;
    return { kind: 'tcp', port: Number(match[2]), host: LOOPBACK.has(match[1]!) ? null : match[1]! };
  }
  if (spec.kind === 'http') {
    const url = new URL(String(spec.target));
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return { kind: 'http', port, path: `${url.pathname}${url.search}`, scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP', host: LOOPBACK.has(url.hostname) ? null : url.hostname, url: url.href };
  }
  return null;
}

/** A string for a container spec: per-copy values cannot differ between replicas. */
export function sameForEveryCopy(text: string, unit: UnitSpec, path: string, notes: ExportNote[], target: string): string {
  if (hasPerCopy(text)) note(notes, path, `per-copy values ({index}, {name}) are not expressible in ${target}: every replica gets copy 0's value`);
  return translatePerCopy(text, unit, (t) => t, null).text;
}

/** A DNS-1123 name (lowercase letters, digits, '-'), for Kubernetes objects and containers. */
export function dnsName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'program';
}

/** Notes for what neither compose nor Kubernetes has. */
export function containerNotes(unit: UnitSpec, notes: ExportNote[], target: string): void {
  const where = unitPath(unit);
  if (unit.watch !== null) note(notes, `${where}.watch`, `not expressible in ${target}: rebuild or restart the container on change`);
  if (unit.hooks !== null) note(notes, `${where}.hooks`, `not expressible in ${target}: run them in the container's entrypoint`);
  if (unit.umask !== null) note(notes, `${where}.umask`, `not expressible in ${target}: set it in the image's entrypoint`);
  if (unit.sockets.length > 0) note(notes, `${where}.sockets`, `not expressible in ${target}: the program must bind its own port (publish it), so restarts are not free of downtime`);
  if (unit.restartStrategy === 'rolling' && target === 'compose') note(notes, `${where}.restart_strategy`, 'not expressible in compose: it recreates every replica at once');
  if (unit.maxRestarts > 0 && target === 'Kubernetes') note(notes, `${where}.max_restarts`, 'not expressible in Kubernetes: a Deployment restarts a failing pod forever, with its own back-off');
  if (unit.startSecsMs !== 1000) note(notes, `${where}.start_secs`, `not expressible in ${target}`);
  if (unit.backoff.initialMs !== 1000 || unit.backoff.maxMs !== 60000) note(notes, `${where}.backoff`, `not expressible in ${target}: it has its own restart delays`);
  for (const output of [unit.stdout, unit.stderr]) {
    if (output !== null && output !== 'merge' && output.timestamps) note(notes, `${where}.stdout.timestamps`, `${target} stamps container output itself`);
  }
}

/** Notes that hold for every program of a container target, said once. */
export function containerTargetNotes(notes: ExportNote[], target: string): void {
  note(notes, 'programs', `${target} keeps each container's stdout and stderr (${target === 'compose' ? 'docker compose logs' : 'kubectl logs'}): no log files are written, and paths (command, cwd, env_file) are this machine's: the image must hold the programs at the same paths`);
}
