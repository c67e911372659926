// Durations, sizes and signal names as users write them; the schema has already checked
// their shape, so these only convert: a value they cannot read here is a bug (SUPD_E_INTERNAL);
// the CLI's --timeout and --interval catch it and say what they take.
import { SupdError } from '../errors.js';

const DURATION_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_BYTES: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** "250ms" "10s" "5m" "1h" "1d"; a bare number means seconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return Math.round(value * 1000);
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) throw new SupdError('SUPD_E_INTERNAL', `not a duration: ${value}`);
  return Math.round(Number(match[1]) * DURATION_MS[match[2] ?? 's']!);
}

/** "512K" "10M" "1G" in binary units ("10MB" and "10MiB" too); a bare number means bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt](?:i?b)?|b)?\s*$/i.exec(value);
  if (!match) throw new SupdError('SUPD_E_INTERNAL', `not a size: ${value}`);
  const unit = (match[2] ?? '').charAt(0).toLowerCase();
  return Math.round(Number(match[1]) * SIZE_BYTES[unit]!);
}

/** "TERM" and "SIGTERM" both name SIGTERM; IOT and POLL are the aliases Linux knows them by. */
export function normalizeSignal(name: string): NodeJS.Signals {
  const upper = name.toUpperCase();
  const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const aliases: Record<string, string> = { SIGIOT: 'SIGABRT', SIGPOLL: 'SIGIO' };
  return (aliases[full] ?? full) as NodeJS.Signals;
}

/** "022" -> 0o022. */
export function parseUmask(value: string): number {
  return parseInt(value, 8);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${Math.floor(s % 60) ? `${Math.floor(s % 60)}s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? `${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)}${units[i]}`;
}
