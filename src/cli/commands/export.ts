// `supd export TARGET`: the same setup for systemd, Kubernetes, compose, SysV init or
// logrotate, from the validated config; what a target cannot say goes to stderr (SPEC 8).
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../config/load.js';
import { findConfigFile } from '../../config/locate.js';
import type { UnitSpec } from '../../config/types.js';
import { resolveExecutable } from '../../process/spawner.js';
import { EXPORT_TARGETS, loadExporter, type ExportTarget } from '../../export/targets.js';
import type { ExportEnv, ExportResult } from '../../export/types.js';
import { flagString, write, type Command, type CommandContext } from '../command.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

export const command: Command = {
  usage: `supd export systemd|k8s|compose|initd|logrotate [--out DIR] [-c PATH]

Write the programs of the config for another engine, from the validated config:
  systemd    NAME@.service + NAME.target per program or method, a .timer per scheduled
             program, supd-<config>.target for all (--user: user units; --self: a unit
             for supd itself on this config)
  k8s        a Deployment per program or method, a CronJob per scheduled program, a
             ConfigMap per env_file (--image IMAGE for the containers)
  compose    compose.yaml with a service per program or method (--image IMAGE)
  initd      an LSB init script that runs supd on this config
  logrotate  a logrotate stanza for the log files that signals supd with SIGUSR2
Without --out, the files go to stdout, each after a "# file: NAME" line. Every setting the
target cannot express is listed on stderr. Exit 0; 2 for an invalid config.`,
  options: { string: ['out', 'image'], boolean: ['user', 'self'] },
  async run(context) {
    const [target, ...extra] = context.args;
    if (target === undefined || !EXPORT_TARGETS.includes(target as ExportTarget) || extra.length > 0) {
      write(context.stderr, `supd export: name one target: ${EXPORT_TARGETS.join(', ')} (see supd help export)`);
      return EXIT_USAGE;
    }
    const config = loadConfig(findConfigFile(flagString(context, 'config'), context.env), { env: context.env });
    const exporter = await loadExporter(target as ExportTarget);
    const image = flagString(context, 'image');
    const result = exporter(config, exportEnv(context), { user: context.flags.user === true, self: context.flags.self === true, ...(image === undefined ? {} : { image }) });
    writeResult(result, flagString(context, 'out'), context);
    for (const n of result.notes) write(context.stderr, `${n.path}: ${n.message}`);
    return EXIT_OK;
  },
};

function exportEnv(context: CommandContext): ExportEnv {
  const script = realpathSync(process.argv[1] ?? 'supd');
  return {
    supdCommand: [process.execPath, script],
    resolveCommand: (unit: UnitSpec) => {
      const found = resolveExecutable(unit.argv[0]!, unit.cwd, unit.env.PATH ?? context.env.PATH);
      return found.ok ? found.file : null;
    },
    readEnvFile: (file: string) => {
      try {
        return Object.fromEntries(Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter((e): e is [string, string] => e[1] !== undefined));
      } catch {
        return {};
      }
    },
  };
}

function writeResult(result: ExportResult, out: string | undefined, context: CommandContext): void {
  if (out === undefined) {
    context.stdout.write(result.files.map((f) => `# file: ${f.name}\n${f.content}`).join('\n'));
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const file of result.files) {
    const target = path.join(out, file.name);
    writeFileSync(target, file.content);
    if (file.mode !== undefined) chmodSync(target, file.mode);
  }
  write(context.stderr, `wrote ${result.files.length} file${result.files.length === 1 ? '' : 's'} to ${out}`);
}
