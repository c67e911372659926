// What the file asks that this machine cannot give, found before anything starts: log
// locations supd cannot write, a socket_group that does not exist. `check` reports them
// (exit 2), `run` refuses to start on them (exit 1).
import type { KeyProblem } from '../config/normalize.js';
import type { SupdConfig } from '../config/types.js';
import { resolveSocketAccess } from '../control/socket-access.js';
import { findUnwritableLogs } from '../logs/log-locations.js';

export function findStartRefusals(config: SupdConfig): KeyProblem[] {
  const access = resolveSocketAccess(config.supervisor.socketGroup, config.supervisor.socketMode);
  return [...findUnwritableLogs(config), ...('problem' in access ? [{ path: 'supervisor.socket_group', message: access.problem }] : [])];
}
