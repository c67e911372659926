// `supd dashboard`: the web dashboard's login URL, from the running supervisor (which knows the
// port it got and holds the token in <state_dir>/http.token).
import type { DashboardResult } from '../../control/protocol.js';
import { withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';

export const command: Command = {
  usage: `supd dashboard [--json]

Print the URL of the web dashboard with a login token: open it in a browser once, and the
browser keeps a session cookie. Needs [supervisor.http] listen in the config (docs/dashboard.md).
The token is in <state_dir>/http.token (0600); delete that file and restart supd for a new one.`,
  async run(context) {
    const result = (await withClient(context, (client) => client.request({ cmd: 'dashboard' }))) as DashboardResult;
    write(context.stdout, context.flags.json === true ? JSON.stringify(result) : result.url);
    return EXIT_OK;
  },
};
