// supd export compose: a compose.yaml with a service per program or method: replicas,
// command, environment, user, working dir, restart, stop signal and grace period, memory,
// healthcheck, and depends_on with conditions.
import { stringify } from 'yaml';
import type { SupdConfig, UnitSpec } from '../config/types.js';
import { containerNotes, containerTargetNotes, sameForEveryCopy, toProbe, type Probe } from './container.js';
import { killModeOf, note, ownEnv, unitPath, type ExportEnv, type ExportNote, type ExportOptions, type ExportResult, durationText } from './types.js';

type Service = Record<string, unknown>;


export function exportCompose(config: SupdConfig, env: ExportEnv, options: ExportOptions): ExportResult {
  const notes: ExportNote[] = [];
  const image = options.image ?? 'IMAGE';
  if (options.image === undefined) note(notes, 'image', 'compose needs an image holding the programs: pass --image (IMAGE was written)');
  const services: Record<string, Service> = {};
  for (const unit of config.units) {
    if (unit.schedule !== null) {
      note(notes, `${unitPath(unit)}.schedule`, 'not expressible in compose: it has no scheduler (run the job from the host\'s cron or systemd timer)');
      continue;
    }
    services[unit.name] = service(unit, config, env, image, notes);
  }
  containerTargetNotes(notes, 'compose');
  const header = `# Written by supd export compose from ${config.file}; edit that file and export again.\n`;
  return { files: [{ name: 'compose.yaml', content: header + stringify({ services }, { lineWidth: 0 }) }], notes };
}

function service(unit: UnitSpec, config: SupdConfig, env: ExportEnv, image: string, notes: ExportNote[]): Service {
  const where = unitPath(unit);
  const s: Service = { image, command: unit.argv.map((w, i) => sameForEveryCopy(w, unit, `${where}.command[${i}]`, notes, 'compose')) };
  if (unit.processes !== 1) s.deploy = { replicas: unit.processes };
  s.working_dir = sameForEveryCopy(unit.cwd, unit, `${where}.cwd`, notes, 'compose');
  const own = ownEnv(unit, env);
  if (own.length > 0) s.environment = Object.fromEntries(own.map(([k, v]) => [k, sameForEveryCopy(v, unit, `${where}.env.${k}`, notes, 'compose').replaceAll('$', '$$$$')]));
  if (unit.envFiles.length > 0) s.env_file = [...unit.envFiles];
  if (unit.user !== null) s.user = unit.group === null ? String(unit.user) : `${unit.user}:${unit.group}`;
  s.restart = restart(unit, where, notes);
  s.stop_signal = unit.stopSignal;
  s.stop_grace_period = durationText(unit.stopTimeoutMs);
  if (unit.maxMemory !== null) s.mem_limit = unit.maxMemory;
  const healthcheck = check(unit, where, notes);
  if (healthcheck !== null) s.healthcheck = healthcheck;
  const deps = dependsOn(unit, config);
  if (deps !== null) s.depends_on = deps;
  if (killModeOf(unit) !== 'mixed') note(notes, `${where}.kill_mode`, 'not expressible in compose: docker stop signals the container\'s main process, then kills the whole container');
  containerNotes(unit, notes, 'compose');
  return s;
}

function restart(unit: UnitSpec, where: string, notes: ExportNote[]): string {
  if (unit.restart === 'never') return 'no';
  if (unit.restart === 'always') {
    if (unit.maxRestarts > 0) note(notes, `${where}.max_restarts`, 'not expressible in compose with restart = "always" (only on-failure:N counts)');
    return 'always';
  }
  if (unit.successExitCodes.join() !== '0') note(notes, `${where}.success_exit_codes`, 'not expressible in compose: on-failure restarts on every non-zero exit');
  return unit.maxRestarts > 0 ? `on-failure:${unit.maxRestarts}` : 'on-failure';
}

function probeTest(probe: Probe): string[] {
  if (probe.kind === 'exec') return ['CMD', ...probe.argv];
  if (probe.kind === 'http') return ['CMD-SHELL', `curl -fsS -o /dev/null ${probe.url.replace(/'/g, '')} || exit 1`];
  return ['CMD-SHELL', `bash -c '</dev/tcp/${probe.host ?? '127.0.0.1'}/${probe.port}' || exit 1`];
}

// health becomes the healthcheck; without it, ready (tcp, http) does, so depends_on can wait.
function check(unit: UnitSpec, where: string, notes: ExportNote[]): Record<string, unknown> | null {
  const spec = unit.health ?? (unit.ready !== null && (unit.ready.kind === 'tcp' || unit.ready.kind === 'http') ? unit.ready : null);
  if (unit.ready !== null && (unit.ready.kind === 'log' || unit.ready.kind === 'fd')) note(notes, `${where}.ready`, `not expressible in compose: ready.${unit.ready.kind} (a healthcheck can only run a command)`);
  if (spec === null) return null;
  const probe = toProbe(spec);
  if (probe === null) return null;
  if (probe.kind === 'http') note(notes, `${where}.${unit.health === null ? 'ready' : 'health'}.http`, 'the healthcheck runs curl: the image needs it');
  if (probe.kind === 'tcp') note(notes, `${where}.${unit.health === null ? 'ready' : 'health'}.tcp`, 'the healthcheck runs bash\'s /dev/tcp: the image needs bash');
  const test = probeTest(probe);
  if (unit.health === null) return { test, interval: durationText(unit.ready!.intervalMs), timeout: durationText(unit.ready!.intervalMs), retries: 3 };
  return { test, interval: durationText(unit.health.intervalMs), timeout: durationText(unit.health.timeoutMs), retries: unit.health.retries, start_period: durationText(unit.health.startPeriodMs) };
}

function dependsOn(unit: UnitSpec, config: SupdConfig): Record<string, { condition: string }> | null {
  const deps: Record<string, { condition: string }> = {};
  for (const program of unit.dependsOn) {
    for (const dep of config.units.filter((u) => u.program === program && u.schedule === null)) {
      const healthy = dep.health !== null || (dep.ready !== null && (dep.ready.kind === 'tcp' || dep.ready.kind === 'http'));
      deps[dep.name] = { condition: healthy ? 'service_healthy' : 'service_started' };
    }
  }
  return Object.keys(deps).length === 0 ? null : deps;
}
