// Which daemons.toml to use: -c/--config, else $SUPD_CONFIG, else ./daemons.toml, else
// /etc/supd/daemons.toml (SPEC section 2).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const SYSTEM_CONFIG = '/etc/supd/daemons.toml';

export function findConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (flag !== undefined && flag !== '') return flag;
  if (env.SUPD_CONFIG !== undefined && env.SUPD_CONFIG !== '') return env.SUPD_CONFIG;
  const local = path.join(cwd, 'daemons.toml');
  if (existsSync(local) || !existsSync(SYSTEM_CONFIG)) return path.relative(cwd, local) || 'daemons.toml';
  return SYSTEM_CONFIG;
}
