// `supd version` (= `supd --version`, as supervisorctl and pm2 have it): this supd's version.
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { readVersion } from '../main.js';

export const command: Command = {
  usage: `supd version [--json]

Print this supd's version (the same as supd --version). The running supervisor's version is
in supd status --json (supervisor.version).`,
  async run(context) {
    const version = readVersion();
    write(context.stdout, context.flags.json === true ? JSON.stringify({ version }) : version);
    return EXIT_OK;
  },
};
