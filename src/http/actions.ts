// The dashboard's actions as control requests: POST /api/<cmd> with a JSON body becomes the same
// Request the CLI sends over the socket, checked by the same requestProblem and answered by the
// same handler (src/control/handlers.ts): one way in, one set of rules. Only these fields pass.
import type { Request } from '../control/protocol.js';
import { requestProblem } from '../control/protocol.js';
import { SupdError } from '../errors.js';

const FIELDS = {
  start: ['targets', 'wait', 'timeoutMs'],
  stop: ['targets', 'wait', 'timeoutMs'],
  restart: ['targets', 'wait', 'timeoutMs'],
  signal: ['signal', 'targets'],
  scale: ['unit', 'count', 'wait', 'timeoutMs'],
  reload: ['dryRun'],
  report: ['name', 'send'],
} as const;

export type ActionCommand = keyof typeof FIELDS;

export function isAction(cmd: string): cmd is ActionCommand {
  return Object.hasOwn(FIELDS, cmd);
}

/** The request for an action's body, or a SUPD_E_USAGE error saying what is wrong with it. */
export function toRequest(cmd: ActionCommand, body: unknown): Request {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SupdError('SUPD_E_USAGE', 'the body must be a JSON object');
  const picked: Record<string, unknown> = { id: 0, cmd };
  for (const field of FIELDS[cmd]) if ((body as Record<string, unknown>)[field] !== undefined) picked[field] = (body as Record<string, unknown>)[field];
  const problem = requestProblem(picked);
  if (problem !== null) throw new SupdError('SUPD_E_USAGE', problem);
  if ((cmd === 'start' || cmd === 'stop' || cmd === 'restart' || cmd === 'signal') && picked.targets === undefined) {
    throw new SupdError('SUPD_E_USAGE', 'name at least one target (or all)');
  }
  return picked as unknown as Request;
}

/** The line written to supd.log and the event feed: `restart web:1 via http`. */
export function describeAction(request: Request): string {
  switch (request.cmd) {
    case 'start':
    case 'stop':
    case 'restart':
      return `${request.cmd} ${request.targets.join(' ')} via http`;
    case 'signal':
      return `signal ${request.signal} ${request.targets.join(' ')} via http`;
    case 'scale':
      return `scale ${request.unit} ${request.count} via http`;
    case 'reload':
      return `reload${request.dryRun === true ? ' --dry-run' : ''} via http`;
    case 'report':
      return `report${request.name === undefined ? '' : ` ${request.name}`}${request.send === true ? ' --send' : ''} via http`;
    default:
      return `${request.cmd} via http`;
  }
}

/** The HTTP status for an error code that crossed the handler. */
export function statusForError(code: string): number {
  if (code === 'SUPD_E_USAGE' || code === 'SUPD_E_PROTOCOL') return 400;
  if (code === 'SUPD_E_NO_SUCH_PROCESS' || code === 'SUPD_E_NO_SUCH_REPORT') return 404;
  if (code === 'SUPD_E_CONFIG_INVALID' || code === 'SUPD_E_RELOAD_REFUSED') return 422;
  if (code === 'SUPD_E_START_FAILED' || code === 'SUPD_E_STOP_FAILED' || code === 'SUPD_E_TIMEOUT') return 409;
  return 500;
}
