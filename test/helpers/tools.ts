// Outside tools the tests check results with (Debian's systemd-analyze, docker-compose,
// logrotate, shellcheck ...): found once, so a missing one makes its tests SKIP with the reason.
import { spawnSync } from 'node:child_process';

const found = new Map<string, string | null>();

/** The tool's path, or null when it is not installed. */
export function findTool(name: string): string | null {
  if (!found.has(name)) {
    const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    found.set(name, result.status === 0 ? result.stdout.trim() : null);
  }
  return found.get(name)!;
}

/** The skip reason for a test that needs these tools, or false when all are there. */
export function needTools(...names: string[]): string | false {
  const missing = names.filter((n) => findTool(n) === null);
  return missing.length === 0 ? false : `not installed: ${missing.join(', ')} (.ci/run installs them)`;
}

export function runTool(file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { code: number | null; out: string } {
  const result = spawnSync(file, args, { encoding: 'utf8', env, timeout: 60_000 });
  return { code: result.status, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}
