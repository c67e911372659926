// The state dir holds what supd trusts: the socket, the pidfile and the children registry,
// whose pids a restarted supd kills. Another user able to write there could make a root supd
// kill any process (a forged registry) or overwrite any file (a symlink where supd writes),
// so supd keeps the dir to itself: made 0700, tightened to 0700 when it is supd's own, and
// refused when it is shared (another owner, or sticky like /tmp).
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { SupdError } from '../errors.js';

export function secureStateDir(dir: string, warn: (message: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = statSync(dir);
  if ((stat.mode & 0o022) === 0) return;
  const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
  if (stat.uid !== (process.getuid?.() ?? 0) || (stat.mode & 0o1000) !== 0) {
    throw new SupdError(
      'SUPD_E_UNSAFE_STATE_DIR',
      `the state dir ${dir} is writable by other users (mode ${mode}) and shared: another user could make supd kill processes or overwrite files there; set supervisor.state_dir to a directory of supd's own`,
    );
  }
  chmodSync(dir, 0o700);
  warn(`the state dir ${dir} was writable by other users (mode ${mode}): made 0700`);
}
