// supd export systemd: per unit a template NAME@.service and NAME.target wanting its
// instances; a .service and .timer per scheduled program; supd-<config>.target for all.
// `--self`: a unit for supd itself on this config instead.
import path from 'node:path';
import type { SupdConfig, UnitSpec } from '../config/types.js';
import { cronToCalendar } from './calendar.js';
import { serviceSection } from './systemd-service.js';
import { escapeUnitText, quoteWord } from './systemd-quote.js';
import { note, unitPath, type ExportEnv, type ExportFile, type ExportNote, type ExportOptions, type ExportResult, durationText } from './types.js';

export function configTarget(config: SupdConfig): string {
  return `supd-${path.basename(config.file).replace(/\.toml$/, '').replace(/[^A-Za-z0-9_.-]/g, '-')}`;
}

export function exportSystemd(config: SupdConfig, env: ExportEnv, options: ExportOptions): ExportResult {
  const notes: ExportNote[] = [];
  if (options.self === true) return { files: [selfUnit(config, env)], notes };
  const files: ExportFile[] = [];
  const all = configTarget(config);
  const wanted: string[] = [];
  for (const unit of config.units) {
    if (unit.schedule !== null) {
      files.push(...scheduledUnits(unit, config, env, notes, all));
      if (unit.autostart) wanted.push(`${unit.name}.timer`);
      continue;
    }
    files.push({ name: `${unit.name}@.service`, content: serviceUnit(unit, config, env, notes, options) });
    files.push({ name: `${unit.name}.target`, content: unitTarget(unit, config, all) });
    if (unit.autostart) wanted.push(`${unit.name}.target`);
    else note(notes, `${unitPath(unit)}.autostart`, `false: ${unit.name}.target is not wanted by ${all}.target (systemctl start ${unit.name}.target starts it)`);
  }
  files.push({ name: `${all}.target`, content: configTargetUnit(config, wanted, options) });
  if (config.units.some((u) => !u.clearEnv)) note(notes, 'programs', "systemd starts services with its own small environment, not supd's: set what they need in env");
  return { files, notes };
}

function header(config: SupdConfig): string {
  return `# Written by supd export systemd from ${config.file}; edit that file and export again.`;
}

function serviceUnit(unit: UnitSpec, config: SupdConfig, env: ExportEnv, notes: ExportNote[], options: ExportOptions): string {
  const deps = unit.dependsOn.flatMap((program) => config.units.filter((u) => u.program === program).map((u) => (u.schedule === null ? `${u.name}.target` : `${u.name}.service`)));
  const lines = [
    header(config),
    '[Unit]',
    `Description=${escapeUnitText(unit.name)} %i (supd program from ${escapeUnitText(path.basename(config.file))})`,
    `PartOf=${unit.name}.target`,
    ...(deps.length > 0 ? [`After=${deps.join(' ')}`, `Requires=${deps.join(' ')}`] : []),
    // systemd's default gives up after 5 starts in 10 s; supd's max_restarts = 0 never gives up.
    ...(unit.maxRestarts > 0 ? [`StartLimitIntervalSec=${durationText(unit.restartWindowMs)}`, `StartLimitBurst=${unit.maxRestarts}`] : ['StartLimitIntervalSec=0']),
    '',
    '[Service]',
    ...serviceSection(unit, config, env, notes, { scheduled: false, userUnits: options.user === true }),
    '',
    '[Install]',
    `WantedBy=${unit.name}.target`,
  ];
  return `${lines.join('\n')}\n`;
}

function unitTarget(unit: UnitSpec, config: SupdConfig, all: string): string {
  const instances = Array.from({ length: unit.processes }, (_, i) => `${unit.name}@${i}.service`);
  return `${[
    header(config),
    '[Unit]',
    `Description=${escapeUnitText(unit.name)}: ${unit.processes} ${unit.processes === 1 ? 'copy' : 'copies'} (supd program)`,
    `PartOf=${all}.target`,
    ...(instances.length > 0 ? [`Wants=${instances.join(' ')}`] : []),
  ].join('\n')}\n`;
}

function configTargetUnit(config: SupdConfig, wanted: readonly string[], options: ExportOptions): string {
  return `${[
    header(config),
    '[Unit]',
    `Description=every program of ${escapeUnitText(config.file)}`,
    ...(wanted.length > 0 ? [`Wants=${wanted.join(' ')}`] : []),
    '',
    '[Install]',
    `WantedBy=${options.user === true ? 'default.target' : 'multi-user.target'}`,
  ].join('\n')}\n`;
}

// A scheduled program: a plain service run by a timer that fires when the cron does.
function scheduledUnits(unit: UnitSpec, config: SupdConfig, env: ExportEnv, notes: ExportNote[], all: string): ExportFile[] {
  const calendar = cronToCalendar(unit.schedule!, unit.timezone);
  if (!calendar.ok) note(notes, `${unitPath(unit)}.schedule`, `not expressible in systemd: ${calendar.reason} (write OnCalendar= by hand)`);
  const service = [header(config), '[Unit]', `Description=${escapeUnitText(unit.name)} (scheduled supd program)`, '', '[Service]', ...serviceSection(unit, config, env, notes, { scheduled: true, userUnits: false })];
  const timer = [
    header(config),
    '[Unit]',
    `Description=runs ${escapeUnitText(unit.name)} on "${escapeUnitText(unit.schedule!)}"${unit.timezone === null ? '' : ` (${unit.timezone})`}`,
    `PartOf=${all}.target`,
    '',
    '[Timer]',
    calendar.ok ? `OnCalendar=${calendar.value}` : `# OnCalendar= for "${unit.schedule}": not expressible, write it by hand`,
    // The default accuracy is a minute; supd runs on the second.
    'AccuracySec=1s',
    `Unit=${unit.name}.service`,
    '',
    '[Install]',
    `WantedBy=${all}.target`,
  ];
  return [
    { name: `${unit.name}.service`, content: `${service.join('\n')}\n` },
    { name: `${unit.name}.timer`, content: `${timer.join('\n')}\n` },
  ];
}


// supd itself: `run -d` returns once the socket answers, so Type=forking with the pidfile
// tells systemd when supd is ready; reload and stop go through the CLI, so a refused reload
// fails `systemctl reload`.
function selfUnit(config: SupdConfig, env: ExportEnv): ExportFile {
  const supd = (verb: string, ...rest: string[]): string => [...env.supdCommand, verb, ...rest, '-c', config.file].map((w) => quoteWord(escapeUnitText(w))).join(' ');
  const stopSeconds = Math.ceil(config.supervisor.shutdownTimeoutMs / 1000) + 15;
  const lines = [
    `# supd on ${config.file}: systemd keeps supd alive, supd keeps the programs alive.`,
    `# Install: supd export systemd --self -c ${config.file} --out /etc/systemd/system && systemctl daemon-reload && systemctl enable --now ${configTarget(config)}`,
    '[Unit]',
    `Description=supd process supervisor (${escapeUnitText(config.file)})`,
    'After=network.target',
    '',
    '[Service]',
    'Type=forking',
    `PIDFile=${escapeUnitText(config.supervisor.pidfile)}`,
    `ExecStartPre=${supd('check')}`,
    `ExecStart=${supd('run', '-d')}`,
    `ExecReload=${supd('reload')}`,
    `ExecStop=${supd('shutdown')}`,
    // supd stops every program within shutdown_timeout; then SIGKILL for what is left.
    'KillMode=mixed',
    // supd keeps each program copy in a cgroup of its own below supd's (docs/processes.md).
    'Delegate=yes',
    `TimeoutStopSec=${stopSeconds}s`,
    'Restart=on-failure',
    'RestartSec=2s',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
  return { name: `${configTarget(config)}.service`, content: `${lines.join('\n')}\n` };
}
