// `supd help [command]`: the overview of every command, or one command's usage (aliases too).
import { SupdError } from '../../errors.js';
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { ALIASES, findVerb, overview } from '../verbs.js';

export const command: Command = {
  usage: `supd help [command]

Show every command with a line about each, or one command's usage and options (supd help
logs). Aliases show the command they stand for (supd help tail). Every command also takes
-h/--help.`,
  async run(context) {
    const topic = context.args[0];
    if (topic === undefined) {
      context.stdout.write(overview());
      return EXIT_OK;
    }
    const found = findVerb(topic);
    if (found === undefined) throw new SupdError('SUPD_E_USAGE', `unknown command "${topic}"`);
    const alias = ALIASES[topic];
    if (alias !== undefined) write(context.stdout, `supd ${topic} is an alias of: supd ${[alias.verb, ...alias.args].join(' ')}\n`);
    write(context.stdout, (await found.verb.load()).command.usage);
    return EXIT_OK;
  },
};
