// supd export initd: an LSB init script for SysV hosts that runs supd on this config, with
// start/stop/status/reload through supd's own CLI (so a refused reload fails the script).
import path from 'node:path';
import type { SupdConfig } from '../config/types.js';
import { configTarget } from './systemd.js';
import type { ExportEnv, ExportOptions, ExportResult } from './types.js';

/** A word for sh, single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function exportInitd(config: SupdConfig, env: ExportEnv, _options: ExportOptions): ExportResult {
  const name = configTarget(config);
  const supd = env.supdCommand.map(shellQuote).join(' ');
  return { files: [{ name, content: header(config, name) + commands(config, name, supd), mode: 0o755 }], notes: [] };
}

// The LSB comment block that update-rc.d reads.
function header(config: SupdConfig, name: string): string {
  return `#!/bin/sh
# Written by supd export initd from ${config.file}; edit that file and export again.
# Install: supd export initd --out /etc/init.d && update-rc.d ${name} defaults
### BEGIN INIT INFO
# Provides:          ${name}
# Required-Start:    $remote_fs $syslog $network
# Required-Stop:     $remote_fs $syslog $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: supd on ${path.basename(config.file)}
# Description:       supd keeps the programs of ${config.file} running.
### END INIT INFO
`;
}

function commands(config: SupdConfig, name: string, supd: string): string {
  return `
SUPD=\${SUPD:-${supd}}
CONFIG=${shellQuote(config.file)}

supd() {
  # shellcheck disable=SC2086
  $SUPD "$@" -c "$CONFIG"
}

case "$1" in
  start)
    # Returns once supd answers on its socket; 0 also when it already runs.
    if supd status >/dev/null 2>&1; then echo "${name} is already running"; exit 0; fi
    supd run -d
    ;;
  stop)
    if ! supd status >/dev/null 2>&1; then echo "${name} is not running"; exit 0; fi
    supd shutdown
    ;;
  restart)
    "$0" stop && "$0" start
    ;;
  reload|force-reload)
    supd reload
    ;;
  status)
    # supd exits 3 when no supervisor answers: LSB's "program is not running".
    supd status
    ;;
  *)
    echo "Usage: $0 {start|stop|restart|reload|force-reload|status}" >&2
    exit 2
    ;;
esac
`;
}
