// The export targets by name: each a pure function of the normalized config (SPEC section 8).
import type { Exporter } from './types.js';

export const EXPORT_TARGETS = ['systemd', 'k8s', 'compose', 'initd', 'logrotate'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export async function loadExporter(target: ExportTarget): Promise<Exporter> {
  switch (target) {
    case 'systemd':
      return (await import('./systemd.js')).exportSystemd;
    case 'k8s':
      return (await import('./k8s.js')).exportK8s;
    case 'compose':
      return (await import('./compose.js')).exportCompose;
    case 'initd':
      return (await import('./initd.js')).exportInitd;
    case 'logrotate':
      return (await import('./logrotate.js')).exportLogrotate;
  }
}
