// The [Service] section of one exported unit: command, place, environment, restart policy,
// stop, memory, logs and hooks in systemd's terms; a note for each thing it cannot say.
import type { SupdConfig, UnitSpec } from '../config/types.js';
import { escapeUnitText, execLine, quoteAssignment } from './systemd-quote.js';
import { translatePerCopy } from './per-copy.js';
import { killModeOf, note, ownEnv, unitPath, type ExportEnv, type ExportNote, durationText } from './types.js';

const KILL_MODE = { mixed: 'mixed', group: 'control-group', process: 'process' } as const;


function perCopyText(text: string, unit: UnitSpec): string {
  return translatePerCopy(text, unit, escapeUnitText, '%i').text;
}

export function serviceSection(unit: UnitSpec, config: SupdConfig, env: ExportEnv, notes: ExportNote[], how: { scheduled: boolean; userUnits: boolean }): string[] {
  const where = unitPath(unit);
  const resolved = env.resolveCommand(unit);
  if (resolved === null) note(notes, `${where}.command`, `${unit.argv[0]} was not found on the PATH: give systemd an absolute path`);
  const argv = resolved === null ? unit.argv : [resolved, ...unit.argv.slice(1)];
  return [
    'Type=exec',
    `ExecStart=${execLine(argv, unit)}`,
    `WorkingDirectory=${perCopyText(unit.cwd, unit)}`,
    ...identity(unit, where, notes, how.userUnits),
    ...(unit.umask === null ? [] : [`UMask=${unit.umask.toString(8).padStart(4, '0')}`]),
    ...environment(unit, env),
    ...(how.scheduled ? scheduledRun(unit) : restartPolicy(unit, where, notes)),
    `KillSignal=${unit.stopSignal}`,
    `TimeoutStopSec=${durationText(unit.stopTimeoutMs)}`,
    `KillMode=${KILL_MODE[killModeOf(unit)]}`,
    ...(unit.maxMemory === null ? [] : [`MemoryMax=${unit.maxMemory}`]),
    ...logs(unit, config, where, notes),
    ...hooks(unit, where, notes),
    ...unexpressible(unit, where, notes),
  ];
}

function identity(unit: UnitSpec, where: string, notes: ExportNote[], userUnits: boolean): string[] {
  if (userUnits) {
    if (unit.user !== null || unit.group !== null) note(notes, `${where}.user`, 'not expressible in user units: they run as the user who runs systemd --user');
    return [];
  }
  // systemd refuses to trust nobody: it is shared by every daemon that wanted no rights.
  if (unit.user === 'nobody' || unit.user === 65534) note(notes, `${where}.user`, 'systemd warns that "nobody" is not safe (shared by unrelated daemons): give the program a user of its own, or DynamicUser=yes');
  return [...(unit.user === null ? [] : [`User=${unit.user}`]), ...(unit.group === null ? [] : [`Group=${unit.group}`])];
}

function environment(unit: UnitSpec, env: ExportEnv): string[] {
  return [
    ...unit.envFiles.map((file) => `EnvironmentFile=${escapeUnitText(file)}`),
    ...ownEnv(unit, env).map(([key, value]) => `Environment=${quoteAssignment(key, translatePerCopy(value, unit, (t) => t, '%i').text)}`),
  ];
}

function restartPolicy(unit: UnitSpec, where: string, notes: ExportNote[]): string[] {
  const restart = { always: 'always', 'on-failure': 'on-failure', never: 'no' }[unit.restart];
  const lines = [`Restart=${restart}`, `RestartSec=${durationText(unit.backoff.initialMs)}`];
  if (unit.successExitCodes.join() !== '0') lines.push(`SuccessExitStatus=${unit.successExitCodes.join(' ')}`);
  if (unit.backoff.factor !== 1 && unit.backoff.maxMs > unit.backoff.initialMs) {
    // systemd grows the delay from 254 on; this machine's may be older.
    const steps = Math.max(1, Math.ceil(Math.log(unit.backoff.maxMs / unit.backoff.initialMs) / Math.log(unit.backoff.factor)));
    lines.push('# systemd >= 254 grows the delay as supd\'s backoff does: uncomment there.', `#RestartSteps=${steps}`, `#RestartMaxDelaySec=${durationText(unit.backoff.maxMs)}`);
    note(notes, `${where}.backoff`, `grows only on systemd >= 254: RestartSteps=${steps} and RestartMaxDelaySec= are written commented out`);
  }
  if (unit.startSecsMs !== 1000) note(notes, `${where}.start_secs`, 'not expressible in systemd: every exit is restarted after RestartSec');
  return lines;
}

function scheduledRun(unit: UnitSpec): string[] {
  return unit.timeoutMs === null ? [] : [`RuntimeMaxSec=${durationText(unit.timeoutMs)}`];
}

function logFile(output: { file: string }, unit: UnitSpec, config: SupdConfig, stream: 'out' | 'err'): string | null {
  const defaultFile = `${config.supervisor.logDir}/${unit.name}-{index}.${stream}.log`;
  return output.file === defaultFile ? null : `append:${perCopyText(output.file, unit)}`;
}

// A default log file becomes the journal (journalctl -u NAME@0); a file of the config's own
// is appended to, as supd does; rotation is then logrotate's.
function logs(unit: UnitSpec, config: SupdConfig, where: string, notes: ExportNote[]): string[] {
  const out = unit.stdout === null ? 'null' : (logFile(unit.stdout, unit, config, 'out') ?? 'journal');
  const err = unit.stderr === 'merge' ? 'inherit' : unit.stderr === null ? 'null' : (logFile(unit.stderr, unit, config, 'err') ?? 'journal');
  const rotated = [unit.stdout, unit.stderr].some((o) => o !== null && o !== 'merge' && (o.maxSize > 0 || o.intervalMs !== null) && (o === unit.stdout ? out : err).startsWith('append:'));
  if (rotated) note(notes, `${where}.stdout`, 'rotation is not systemd\'s: rotate the files with logrotate (supd export logrotate)');
  if ([unit.stdout, unit.stderr].some((o) => o !== null && o !== 'merge' && o.timestamps)) note(notes, `${where}.stdout.timestamps`, 'the journal stamps every line itself; files get no timestamps');
  return [`StandardOutput=${out}`, `StandardError=${err}`];
}

function hooks(unit: UnitSpec, where: string, notes: ExportNote[]): string[] {
  if (unit.hooks === null) return [];
  const lines: string[] = [];
  if (unit.hooks.beforeStart !== null) lines.push(`ExecStartPre=${execLine(unit.hooks.beforeStart, unit)}`);
  if (unit.hooks.afterStart !== null) lines.push(`ExecStartPost=-${execLine(unit.hooks.afterStart, unit)}`);
  if (unit.hooks.afterExit !== null) lines.push(`ExecStopPost=-${execLine(unit.hooks.afterExit, unit)}`);
  if (unit.hooks.onFatal !== null) note(notes, `${where}.hooks.on_fatal`, 'not expressible in systemd as a command: write an OnFailure= unit by hand');
  note(notes, `${where}.hooks`, 'the SUPD_EVENT, SUPD_EXIT_CODE ... variables are not set by systemd ($SERVICE_RESULT, $EXIT_CODE, $EXIT_STATUS are, in ExecStopPost=)');
  return lines;
}

function unexpressible(unit: UnitSpec, where: string, notes: ExportNote[]): string[] {
  if (unit.watch !== null) note(notes, `${where}.watch`, 'not expressible in systemd (use a .path unit by hand)');
  if (unit.ready !== null) note(notes, `${where}.ready`, `not expressible in systemd: it learns readiness from sd_notify (Type=notify), not from ${unit.ready.kind}`);
  if (unit.health !== null) note(notes, `${where}.health`, 'not expressible in systemd: no health checks (a timer running the check and systemctl restart would do it)');
  if (unit.restartStrategy === 'rolling') note(notes, `${where}.restart_strategy`, 'not expressible in systemd: restart the instances one by one (systemctl restart NAME@0 ...)');
  if (unit.sockets.length > 0) note(notes, `${where}.sockets`, `not generated: write a .socket unit with ${unit.sockets.map((s) => (s.kind === 'tcp' ? `ListenStream=${s.address.slice('tcp://'.length)}` : `ListenStream=${s.path}`)).join(', ')} and FileDescriptorName= per name; systemd then sets the same LISTEN_FDS, LISTEN_FDNAMES and LISTEN_PID`);
  return [];
}
