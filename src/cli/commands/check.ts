// `supd check`: validate the config and print `ok: N programs, M processes`, or every error.
import { errorLines, isSupdError, SupdError } from '../../errors.js';
import { findConfigFile } from '../../config/locate.js';
import { loadConfig } from '../../config/load.js';
import type { KeyProblem } from '../../config/normalize.js';
import { countProcesses, type SupdConfig } from '../../config/types.js';
import { findStartProblems } from '../../process/preflight.js';
import { flagString, write, type Command, type CommandContext } from '../command.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from '../exit-codes.js';
import { findStartRefusals } from '../start-refusals.js';
import { requestReload } from './reload.js';

export const command: Command = {
  usage: `supd check [-c PATH] [--strict] [--diff] [--json]

Validate the config file (TOML syntax, the schema, cross-checks such as depends_on cycles and
shared log files, log locations supd cannot write) without starting anything. Prints
"ok: N programs, M processes" and exits 0, or prints every error with its place and exits 2.
--json prints {"ok": true, "programs": N, "processes": M}, or {"error": {"code", "message",
"issues": [{file, path, line, column, message}]}}.
Warns (on stderr, still exit 0) about what will fail at start on this machine: a user or group
that does not exist, another user when supd will not run as root, a command not on the child's
PATH or not executable by its user, a cwd that does not exist.

--strict  make those warnings errors (exit 2)
--diff    then ask the running supervisor what a reload of this file would do, and print
          exactly the lines "supd reload" would print (as "supd reload --dry-run")`,
  options: { boolean: ['diff', 'strict'] },
  async run(context) {
    const file = findConfigFile(flagString(context, 'config'), context.env);
    try {
      const config = loadConfig(file, { env: context.env });
      const unwritable = findStartRefusals(config);
      if (unwritable.length > 0) {
        const issues = unwritable.map((p) => ({ file, path: p.path, message: p.message }));
        throw new SupdError('SUPD_E_CONFIG_INVALID', `${file}: supd could not start with this config`, { issues });
      }
      const warnings = startWarnings(context, config, file);
      if (warnings === null) return EXIT_USAGE;
      const counts = { programs: config.programs.length, processes: countProcesses(config) };
      if (context.flags.json === true) write(context.stdout, JSON.stringify({ ok: true, ...counts, ...(warnings.length > 0 ? { warnings } : {}) }));
      else write(context.stdout, `ok: ${counts.programs} programs, ${counts.processes} processes`);
      if (context.flags.diff === true) return await requestReload(context, true);
      return EXIT_OK;
    } catch (error) {
      if (!isSupdError(error) || context.flags.json === true) throw error;
      for (const line of errorLines(error)) write(context.stderr, line);
      return exitCodeFor(error.code);
    }
  },
};

// What will fail at start on this machine: warnings on stderr (in the JSON with --json), or
// with --strict errors (null: exit 2).
function startWarnings(context: CommandContext, config: SupdConfig, file: string): KeyProblem[] | null {
  const warnings = findStartProblems(config, context.env, process.getuid?.() ?? 0);
  const strict = context.flags.strict === true;
  if (strict && warnings.length > 0 && context.flags.json === true) {
    throw new SupdError('SUPD_E_CONFIG_INVALID', `${file}: what will fail at start (--strict)`, { issues: warnings.map((w) => ({ file, ...w })) });
  }
  if (context.flags.json !== true) for (const w of warnings) write(context.stderr, `${strict ? 'error' : 'warning'}: ${w.path}: ${w.message}`);
  return strict && warnings.length > 0 ? null : warnings;
}
