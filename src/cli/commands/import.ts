// `supd import FILE`: another supervisor's config (supervisord, PM2, Procfile) as a
// daemons.toml, checked by the same pipeline as `supd check`; never touches a running supd.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { errorLines, isSupdError } from '../../errors.js';
import { parseConfigText } from '../../config/load.js';
import { IMPORT_SOURCES, importFile, SourceError, type ImportSource } from '../../import/import-file.js';
import { flagString, write, type Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';

export const command: Command = {
  usage: `supd import FILE [--from supervisord|pm2|procfile] [--out daemons.toml] [--env NAME] [--force]

Convert another supervisor's config into a daemons.toml: a supervisord .conf (with its
[include]s), a PM2 ecosystem file (.json, or .config.js/.cjs/.mjs evaluated with Node), or
a Procfile. The kind comes from the file's name or content, or from --from. Prints the
result, or writes it to --out (an existing file only with --force). Every setting that does
not carry over gets a comment saying why. --env NAME takes a PM2 app's env_NAME.
Exit 0; 1 if the result does not pass supd check; 2 for a file it cannot read.`,
  options: { string: ['from', 'out', 'env'], boolean: ['force'] },
  async run(context) {
    const [file, ...extra] = context.args;
    const from = flagString(context, 'from');
    if (file === undefined || extra.length > 0) return usage(context.stderr, 'supd import takes one FILE');
    if (from !== undefined && !IMPORT_SOURCES.includes(from as ImportSource)) return usage(context.stderr, `--from must be one of ${IMPORT_SOURCES.join(', ')}`);
    const out = flagString(context, 'out');
    if (out !== undefined && existsSync(out) && context.flags.force !== true) return usage(context.stderr, `${out} exists: pass --force to replace it`);
    const outFile = path.resolve(out ?? 'daemons.toml');
    let imported;
    try {
      imported = importFile({ file, from: (from as ImportSource | undefined) ?? null, outFile, envName: flagString(context, 'env') ?? null, env: context.env });
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      write(context.stderr, `supd import: ${error.message}`);
      return EXIT_USAGE;
    }
    const problems = checkResult(imported.text, outFile, context.env);
    if (out === undefined) context.stdout.write(imported.text);
    else writeFileSync(out, imported.text);
    const notes = imported.result.programs.reduce((n, p) => n + p.notes.length + p.settings.filter((s) => s.notes !== undefined).length, 0);
    const count = imported.result.programs.length;
    write(context.stderr, `imported ${count} program${count === 1 ? '' : 's'} from ${path.basename(file)} (${imported.source})${out === undefined ? '' : ` into ${out}`}; ${notes} notes as comments`);
    for (const problem of problems) write(context.stderr, `warning: ${problem}`);
    return problems.length === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

function usage(stderr: Writable, message: string): number {
  write(stderr, `supd import: ${message} (see supd help import)`);
  return EXIT_USAGE;
}

// The same pipeline as `supd check`, on the text before it is written.
function checkResult(text: string, outFile: string, env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfigText(text, outFile, { env, displayName: path.basename(outFile) });
    return [];
  } catch (error) {
    if (!isSupdError(error)) throw error;
    return errorLines(error);
  }
}
