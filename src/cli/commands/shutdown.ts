// `supd shutdown`: stop everything and make the supervisor exit.
import { withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';

export const command: Command = {
  usage: `supd shutdown [--json]

Stop every process (each with its stop_signal and stop_timeout, SIGKILL for whatever is left
after supervisor.shutdown_timeout) and make supd exit. Returns once everything has stopped.`,
  async run(context) {
    await withClient(context, (client) => client.request({ cmd: 'shutdown' }));
    write(context.stdout, context.flags.json === true ? JSON.stringify({ ok: true, stopped: true }) : 'supd stopped');
    return EXIT_OK;
  },
};
