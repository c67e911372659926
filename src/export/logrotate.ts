// supd export logrotate: a stanza for sites that rotate with logrotate: every log file supd
// writes, rotated by logrotate, then SIGUSR2 makes supd reopen them (SPEC section 6).
import path from 'node:path';
import type { OutputSpec, SupdConfig } from '../config/types.js';
import { configTarget } from './systemd.js';
import { translatePerCopy } from './per-copy.js';
import { note, unitPath, type ExportEnv, type ExportNote, type ExportOptions, type ExportResult } from './types.js';

// A file pattern logrotate globs: {index} and {name} become `*`.
function pattern(file: string, unit: SupdConfig['units'][number]): string {
  return translatePerCopy(file, unit, (t) => t, '*').text.replace(/:\*/g, '*');
}

export function exportLogrotate(config: SupdConfig, _env: ExportEnv, _options: ExportOptions): ExportResult {
  const notes: ExportNote[] = [];
  const logDir = config.supervisor.logDir;
  const files = new Set<string>([path.join(logDir, '*.log')]);
  let keep = config.supervisor.log.keep;
  const rotating: string[] = [];
  for (const unit of config.units) {
    for (const [key, output] of [['stdout', unit.stdout], ['stderr', unit.stderr]] as const) {
      if (output === null || output === 'merge') continue;
      const file = pattern(output.file, unit);
      if (path.dirname(file) !== logDir || !file.endsWith('.log')) files.add(file);
      keep = Math.max(keep, output.keep);
      if (rotates(output)) rotating.push(`${unitPath(unit)}.${key}`);
    }
  }
  if (rotates(config.supervisor.log)) rotating.push('supervisor.log');
  // Two rotations of one file would fight: supd's must be off where logrotate's is on.
  for (const place of rotating) note(notes, place, 'supd rotates this file itself: set max_size = 0 (and no interval) when logrotate does');
  const stanza = `# Written by supd export logrotate from ${config.file}; edit that file and export again.
# Install: supd export logrotate --out /etc/logrotate.d
${[...files].sort().join('\n')} {
    missingok
    notifempty
    rotate ${keep}
    daily
    maxsize ${config.supervisor.log.maxSize > 0 ? config.supervisor.log.maxSize : 10 * 1024 * 1024}
    compress
    delaycompress
    sharedscripts
    postrotate
        # supd reopens every log file on SIGUSR2.
        [ -s '${config.supervisor.pidfile.replaceAll("'", '')}' ] && kill -USR2 "$(cat '${config.supervisor.pidfile.replaceAll("'", '')}')" 2>/dev/null || true
    endscript
}
`;
  return { files: [{ name: configTarget(config), content: stanza }], notes };
}

function rotates(output: Pick<OutputSpec, 'maxSize' | 'intervalMs'>): boolean {
  return output.maxSize > 0 || output.intervalMs !== null;
}
