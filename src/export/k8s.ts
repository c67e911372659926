// supd export k8s: a Deployment per program or method (replicas, probes from ready and
// health, memory limit, numeric user), a CronJob per scheduled program, a ConfigMap per
// env_file. Kubernetes has no depends_on: said as a note.
import path from 'node:path';
import { stringify } from 'yaml';
import type { SupdConfig, UnitSpec } from '../config/types.js';
import { containerNotes, containerTargetNotes, dnsName, sameForEveryCopy, toProbe } from './container.js';
import { killModeOf, note, ownEnv, unitPath, type ExportEnv, type ExportNote, type ExportOptions, type ExportResult } from './types.js';

type Obj = Record<string, unknown>;

export function exportK8s(config: SupdConfig, env: ExportEnv, options: ExportOptions): ExportResult {
  const notes: ExportNote[] = [];
  const image = options.image ?? 'IMAGE';
  if (options.image === undefined) note(notes, 'image', 'Kubernetes needs an image holding the programs: pass --image (IMAGE was written)');
  const objects: Obj[] = [];
  const configMaps = new Map<string, string>();
  for (const file of new Set(config.units.flatMap((u) => u.envFiles))) configMaps.set(file, `${dnsName(path.basename(config.dir))}-${dnsName(path.basename(file))}`.slice(0, 63));
  for (const [file, name] of configMaps) objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: env.readEnvFile(file) });
  if (configMaps.size > 0) note(notes, 'env_file', 'written as ConfigMaps: move secrets into a Secret (envFrom secretRef)');
  for (const unit of config.units) objects.push(unit.schedule === null ? deployment(unit, config, env, image, configMaps, notes) : cronJob(unit, config, env, image, configMaps, notes));
  containerTargetNotes(notes, 'Kubernetes');
  const header = `# Written by supd export k8s from ${config.file}; edit that file and export again.\n`;
  return { files: [{ name: 'k8s.yaml', content: header + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n') }], notes };
}

function container(unit: UnitSpec, env: ExportEnv, image: string, configMaps: Map<string, string>, notes: ExportNote[]): Obj {
  const where = unitPath(unit);
  const c: Obj = { name: dnsName(unit.name), image, command: unit.argv.map((w, i) => sameForEveryCopy(w, unit, `${where}.command[${i}]`, notes, 'Kubernetes')) };
  c.workingDir = sameForEveryCopy(unit.cwd, unit, `${where}.cwd`, notes, 'Kubernetes');
  const own = ownEnv(unit, env);
  if (own.length > 0) c.env = own.map(([name, value]) => ({ name, value: sameForEveryCopy(value, unit, `${where}.env.${name}`, notes, 'Kubernetes') }));
  if (unit.envFiles.length > 0) c.envFrom = unit.envFiles.map((f) => ({ configMapRef: { name: configMaps.get(f)! } }));
  if (unit.maxMemory !== null) c.resources = { limits: { memory: String(unit.maxMemory) } };
  const security = securityContext(unit, where, notes);
  if (security !== null) c.securityContext = security;
  Object.assign(c, probes(unit, where, notes));
  if (unit.stopSignal !== 'SIGTERM') note(notes, `${where}.stop_signal`, 'not expressible in Kubernetes: the kubelet sends SIGTERM (or the image\'s STOPSIGNAL)');
  if (killModeOf(unit) !== 'mixed') note(notes, `${where}.kill_mode`, 'not expressible in Kubernetes: SIGTERM goes to the container\'s PID 1, then everything is killed');
  for (const [i, program] of unit.dependsOn.entries()) note(notes, `${where}.depends_on[${i}]`, `not expressible in Kubernetes: nothing orders Deployments (${program} is not waited for; an initContainer that waits for it would)`);
  containerNotes(unit, notes, 'Kubernetes');
  return c;
}

function securityContext(unit: UnitSpec, where: string, notes: ExportNote[]): Obj | null {
  const context: Obj = {};
  for (const [key, value, field] of [['user', unit.user, 'runAsUser'], ['group', unit.group, 'runAsGroup']] as const) {
    if (value === null) continue;
    if (typeof value === 'number' || /^\d+$/.test(value)) context[field] = Number(value);
    else note(notes, `${where}.${key}`, `"${value}" is a name: Kubernetes takes only a numeric ${field} (the name is resolved inside the image)`);
  }
  return Object.keys(context).length === 0 ? null : context;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function probe(spec: Parameters<typeof toProbe>[0]): Obj | null {
  const p = toProbe(spec);
  if (p === null) return null;
  if (p.kind === 'exec') return { exec: { command: [...p.argv] } };
  if (p.kind === 'tcp') return { tcpSocket: { port: p.port, ...(p.host === null ? {} : { host: p.host }) } };
  return { httpGet: { path: p.path, port: p.port, scheme: p.scheme, ...(p.host === null ? {} : { host: p.host }) } };
}

// ready -> startupProbe (running once it passes), health -> livenessProbe (restart after retries).
function probes(unit: UnitSpec, where: string, notes: ExportNote[]): Obj {
  const out: Obj = {};
  if (unit.ready !== null) {
    const ready = probe(unit.ready);
    if (ready === null) note(notes, `${where}.ready`, `not expressible in Kubernetes: ready.${unit.ready.kind} (a probe can only connect, GET or run a command)`);
    else out.startupProbe = { ...ready, periodSeconds: seconds(unit.ready.intervalMs), failureThreshold: Math.max(1, Math.ceil(unit.ready.timeoutMs / Math.max(1000, unit.ready.intervalMs))) };
  }
  if (unit.health !== null) {
    const health = probe(unit.health)!;
    out.livenessProbe = { ...health, periodSeconds: seconds(unit.health.intervalMs), timeoutSeconds: seconds(unit.health.timeoutMs), failureThreshold: unit.health.retries, initialDelaySeconds: Math.round(unit.health.startPeriodMs / 1000) };
  }
  return out;
}

function labels(unit: UnitSpec, config: SupdConfig): Record<string, string> {
  return { 'app.kubernetes.io/name': dnsName(unit.name), 'app.kubernetes.io/part-of': dnsName(path.basename(config.file, '.toml')) };
}

function deployment(unit: UnitSpec, config: SupdConfig, env: ExportEnv, image: string, configMaps: Map<string, string>, notes: ExportNote[]): Obj {
  const where = unitPath(unit);
  if (unit.restart !== 'always') note(notes, `${where}.restart`, `"${unit.restart}" is not expressible in a Deployment, which always restarts (a Job would run it to completion)`);
  if (!unit.autostart) note(notes, `${where}.autostart`, 'false: written with replicas: 0');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: dnsName(unit.name), labels: labels(unit, config) },
    spec: {
      replicas: unit.autostart ? unit.processes : 0,
      selector: { matchLabels: labels(unit, config) },
      template: {
        metadata: { labels: labels(unit, config) },
        spec: { terminationGracePeriodSeconds: seconds(unit.stopTimeoutMs), containers: [container(unit, env, image, configMaps, notes)] },
      },
    },
  };
}

// A scheduled program: never two runs at once (Forbid), the run's timeout as its deadline.
function cronJob(unit: UnitSpec, config: SupdConfig, env: ExportEnv, image: string, configMaps: Map<string, string>, notes: ExportNote[]): Obj {
  const where = unitPath(unit);
  const fields = unit.schedule!.trim().split(/\s+/);
  let schedule = unit.schedule!;
  if (fields.length === 6) {
    if (fields[0] !== '0') note(notes, `${where}.schedule`, `"${schedule}" runs at seconds Kubernetes cannot express (its cron has minutes at most): written for second 0`);
    schedule = fields.slice(1).join(' ');
  }
  const job: Obj = { template: { metadata: { labels: labels(unit, config) }, spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: seconds(unit.stopTimeoutMs), containers: [container(unit, env, image, configMaps, notes)] } } };
  if (unit.timeoutMs !== null) job.activeDeadlineSeconds = seconds(unit.timeoutMs);
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: dnsName(unit.name).slice(0, 52), labels: labels(unit, config) },
    spec: { schedule, ...(unit.timezone === null ? {} : { timeZone: unit.timezone }), concurrencyPolicy: 'Forbid', jobTemplate: { spec: job } },
  };
}
