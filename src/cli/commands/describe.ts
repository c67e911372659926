// `supd describe target...`: each process's whole record: state, its config after defaults,
// its last state moves and exits with their times, and where its logs are.
import type { DescribeRecord, DescribeResult } from '../../control/protocol.js';
import { requireTargets, withClient } from '../client.js';
import { write, type Command } from '../command.js';
import { EXIT_OK } from '../exit-codes.js';
import { formatStatusTable } from '../format.js';

export const command: Command = {
  usage: `supd describe target... [--json]

Show everything supd knows of each target process: its status row, the config of its
program (or method) after [defaults] and every default, in the config's own keys (env values
hidden: only the names), its last 20 state moves and last 10 exits with their times (UTC),
and its log files. --json prints {"records": [{process, config, states, exits, logs}]}.`,
  async run(context) {
    const targets = requireTargets(context, 'describe');
    const result = await withClient(context, (client) => client.request<DescribeResult>({ cmd: 'describe', targets }));
    if (context.flags.json === true) write(context.stdout, JSON.stringify(result, null, 2));
    else write(context.stdout, result.records.map(formatRecord).join('\n\n'));
    return EXIT_OK;
  },
};

function formatRecord(record: DescribeRecord): string {
  const status = formatStatusTable({ supervisor: { pid: 0, version: '', config: '', uptime_s: 0 }, processes: [record.process] }, false);
  const config = Object.entries(record.config).map(([key, value]) => `  ${key} = ${JSON.stringify(value)}`);
  const states = record.states.map((m) => `  ${m.at}  ${m.from} -> ${m.to}${m.reason === null ? '' : ` (${m.reason})`}`);
  const exits = record.exits.map((e) => `  ${e.at}  pid ${e.pid}  ${e.signal ?? `exit ${e.code}`} after ${e.uptime_s}s`);
  const { stdout, stderr } = record.logs;
  return [
    status,
    '',
    `config of ${record.process.method === null ? record.process.program : `${record.process.program}.${record.process.method}`} (after defaults):`,
    ...config,
    '',
    'recent states (UTC):',
    ...(states.length === 0 ? ['  (none yet)'] : states),
    '',
    'recent exits (UTC):',
    ...(exits.length === 0 ? ['  (none yet)'] : exits),
    '',
    'logs:',
    `  stdout  ${stdout ?? '(not kept: stdout = false)'}`,
    `  stderr  ${stderr === 'merge' ? '(merged into stdout)' : (stderr ?? '(not kept: stderr = false)')}`,
  ].join('\n');
}
