// The environment a child starts with: supd's own (unless clear_env), then env_file and env,
// then the user's HOME/USER/LOGNAME when switching, then the SUPD_* variables.
import type { UnitSpec } from '../config/types.js';
import type { UserEntry } from './user.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function buildChildEnv(
  unit: UnitSpec,
  index: number,
  user: UserEntry | null,
  baseEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  if (!unit.clearEnv) {
    for (const [key, value] of Object.entries(baseEnv)) if (value !== undefined) env[key] = value;
  }
  Object.assign(env, unit.env);
  if (user !== null) {
    env.HOME = user.home;
    env.USER = user.name;
    env.LOGNAME = user.name;
  }
  env.PATH ??= DEFAULT_PATH;
  env.SUPD_PROGRAM = unit.program;
  if (unit.method !== null) env.SUPD_METHOD = unit.method;
  else delete env.SUPD_METHOD;
  env.SUPD_INDEX = String(index);
  env.SUPD_NAME = `${unit.name}:${index}`;
  return env;
}
