// Where the control socket is, for the CLI: --socket, else $SUPD_SOCKET, else the config
// file's [supervisor] table (socket, state_dir) read as plain TOML without validation, so
// `supd status` works while the file is being edited; else the defaults beside the config.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expandString } from '../config/expand.js';
import { SupdError } from '../errors.js';

/** sun_path is 108 bytes on Linux, one of them the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export function findSocketPath(flag: string | undefined, env: NodeJS.ProcessEnv, configFile: string): string {
  if (flag !== undefined && flag !== '') return checkSocketPath(path.resolve(flag));
  if (env.SUPD_SOCKET !== undefined && env.SUPD_SOCKET !== '') return checkSocketPath(path.resolve(env.SUPD_SOCKET));
  const dir = path.dirname(path.resolve(configFile));
  const supervisor = readSupervisorTable(configFile);
  const value = (key: string): string | undefined => {
    const raw = supervisor[key];
    return typeof raw === 'string' ? expandString(raw, env, () => undefined) : undefined;
  };
  const socket = value('socket');
  if (socket !== undefined) return checkSocketPath(path.resolve(dir, socket));
  return checkSocketPath(path.join(path.resolve(dir, value('state_dir') ?? '.supd'), 'supd.sock'));
}

// Only a file that mentions socket or state_dir (or hides a key behind a \u escape) can move
// the socket: any other skips loading and running the TOML parser, a fifth of `supd status`.
const MAY_MOVE_SOCKET = /socket|state_dir|\\[uU]/;
const require = createRequire(import.meta.url);

function readSupervisorTable(configFile: string): Record<string, unknown> {
  try {
    const text = readFileSync(configFile, 'utf8');
    if (!MAY_MOVE_SOCKET.test(text)) return {};
    const { parse } = require('toml') as typeof import('toml');
    const data = parse(text) as { supervisor?: unknown };
    return typeof data.supervisor === 'object' && data.supervisor !== null ? (data.supervisor as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function checkSocketPath(socketPath: string): string {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new SupdError(
      'SUPD_E_SOCKET_PATH',
      `the socket path ${socketPath} is ${bytes} bytes, longer than the system allows (${MAX_SOCKET_PATH_BYTES}): set supervisor.socket to a shorter path, such as /run/supd/app.sock`,
    );
  }
  return socketPath;
}
