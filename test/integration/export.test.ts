// supd export, checked by the real tools of each target: systemd-analyze verify, the
// Kubernetes schemas (kubernetes-models), docker-compose config, logrotate -d, sh -n and
// shellcheck; round trips of the settings; the init script driving a real supd.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { FIXTURES, ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir, withTempDir, type TempDir } from '../helpers/temp.js';
import { findTool, needTools, runTool } from '../helpers/tools.js';
import { waitFor } from '../helpers/wait-for.js';

const require = createRequire(import.meta.url);
const FULL = path.join(FIXTURES, 'export', 'full.toml');
/** Every config a user of the repository can export: the examples, the sample in etc/, the fixtures. */
const CONFIGS = [path.join(ROOT, 'examples', 'daemons.toml'), path.join(ROOT, 'etc', 'daemons.toml'), FULL];

interface Exported {
  readonly dir: string;
  readonly files: string[];
  readonly notes: string;
  read(name: string): string;
}

async function exportTo(temp: TempDir, target: string, config: string, ...extra: string[]): Promise<Exported> {
  const dir = path.join(temp.dir, [target, path.basename(path.dirname(config)), ...extra.map((a) => a.replace(/[^a-z0-9]/gi, ''))].join('-'));
  const result = await runCli(['export', target, '-c', config, '--out', dir, ...extra]);
  assert.equal(result.code, 0, `export ${target} of ${config}: ${result.stderr}`);
  return { dir, files: readdirSync(dir).sort(), notes: result.stderr, read: (name) => readFileSync(path.join(dir, name), 'utf8') };
}

// systemd-analyze verify prints nothing for a good unit; "ignoring" for an unknown key is a failure here.
function verifyUnits(dir: string, files: readonly string[]): void {
  for (const file of files) {
    const unit = file.endsWith('@.service') ? file.replace('@.service', '@0.service') : file;
    const result = runTool(findTool('systemd-analyze')!, ['verify', '--man=no', path.join(dir, unit)]);
    assert.equal(result.out.trim(), '', `systemd-analyze verify ${unit}:\n${result.out}\n${readFileSync(path.join(dir, file), 'utf8')}`);
    assert.equal(result.code, 0);
  }
}

const K8S_MODELS: Record<string, string> = { Deployment: 'kubernetes-models/apps/v1/Deployment', CronJob: 'kubernetes-models/batch/v1/CronJob', ConfigMap: 'kubernetes-models/v1/ConfigMap' };

// Each document against the Kubernetes schema of its kind.
function validateK8s(text: string): Array<Record<string, any>> {
  return parseAllDocuments(text).map((doc) => {
    const object = doc.toJS() as Record<string, any>;
    const Model = (require(K8S_MODELS[object.kind]!) as Record<string, new (o: unknown) => { validate(): void }>)[object.kind]!;
    new Model(object).validate();
    return object;
  });
}

describe('supd export checked by the real tools', () => {
  test('systemd: every unit of every config passes systemd-analyze verify, and --self too', { skip: needTools('systemd-analyze') }, async () => {
    await withTempDir('supd-export-', async (temp) => {
      for (const config of CONFIGS) {
        const out = await exportTo(temp, 'systemd', config);
        assert.ok(out.files.some((f) => f.endsWith('@.service')) && out.files.some((f) => /^supd-.*\.target$/.test(f)), out.files.join());
        verifyUnits(out.dir, out.files);
        const self = await exportTo(temp, 'systemd', config, '--self');
        verifyUnits(self.dir, self.files);
        const unit = self.read(self.files[0]!);
        for (const line of [/^Type=forking$/m, /^PIDFile=\//m, / run -d -c /, /^ExecReload=.* reload -c /m, /^ExecStop=.* shutdown -c /m]) assert.match(unit, line);
      }
      verifyUnits(path.join(ROOT, 'etc'), ['supd.service']);
    });
  });

  test('k8s: every document of every config passes the Kubernetes schema of its kind', async () => {
    await withTempDir('supd-export-', async (temp) => {
      for (const config of CONFIGS) {
        const out = await exportTo(temp, 'k8s', config, '--image', 'registry.example/app:1');
        const objects = validateK8s(out.read('k8s.yaml'));
        assert.ok(objects.some((o) => o.kind === 'Deployment'));
      }
      // The validator is live: a Deployment without its selector fails.
      assert.throws(() => validateK8s('apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec: { template: {} }\n'));
    });
  });

  test('compose: every config passes docker-compose config -q', { skip: needTools('docker-compose') }, async () => {
    await withTempDir('supd-export-', async (temp) => {
      for (const config of CONFIGS) {
        const out = await exportTo(temp, 'compose', config, '--image', 'app:1');
        const result = runTool(findTool('docker-compose')!, ['-f', path.join(out.dir, 'compose.yaml'), 'config', '-q']);
        assert.equal(result.code, 0, `${config}: ${result.out}\n${out.read('compose.yaml')}`);
        assert.equal(result.out.trim(), '');
      }
    });
  });

  test('logrotate: every stanza passes logrotate -d; initd: sh -n and shellcheck -S error', { skip: needTools('logrotate', 'shellcheck') }, async () => {
    await withTempDir('supd-export-', async (temp) => {
      for (const config of CONFIGS) {
        const rotate = await exportTo(temp, 'logrotate', config);
        const stanza = path.join(rotate.dir, rotate.files[0]!);
        chmodSync(stanza, 0o644);
        const debug = runTool(findTool('logrotate')!, ['-d', '-s', path.join(temp.dir, 'logrotate.state'), stanza]);
        assert.equal(debug.code, 0, debug.out);
        assert.doesNotMatch(debug.out, /error/i);
        const initd = await exportTo(temp, 'initd', config);
        const script = path.join(initd.dir, initd.files[0]!);
        assert.equal(statSync(script).mode & 0o777, 0o755);
        assert.equal(runTool('/bin/sh', ['-n', script]).code, 0);
        const lint = runTool(findTool('shellcheck')!, ['-S', 'error', script]);
        assert.equal(lint.code, 0, lint.out);
      }
    });
  });
});

describe('supd export round trips: the settings appear with their values', () => {
  test('systemd: processes, restart, backoff, limits of restarts, memory, depends_on, user, env, hooks, schedule', async () => {
    await withTempDir('supd-export-', async (temp) => {
      const out = await exportTo(temp, 'systemd', FULL);
      assert.deepEqual(out.files, ['api.target', 'api@.service', 'db.target', 'db@.service', 'nightly.service', 'nightly.timer', 'supd-full.target', 'worker.import.target', 'worker.import@.service', 'worker.mail.target', 'worker.mail@.service']);
      assert.match(out.read('api.target'), /^Wants=api@0\.service api@1\.service api@2\.service$/m);
      const api = out.read('api@.service');
      for (const line of ['Restart=on-failure', 'RestartSec=2s', 'SuccessExitStatus=0 3', 'StartLimitBurst=5', 'StartLimitIntervalSec=120s', 'MemoryMax=268435456', 'After=db.target', 'Requires=db.target', 'ExecStartPre=/bin/true', 'ExecStopPost=-/bin/echo done', 'KillMode=', 'Environment="MODE=production"', 'Environment="RATE=50%%"', 'Environment="COST=$5"']) {
        assert.ok(api.includes(line), `${line} in api@.service:\n${api}`);
      }
      assert.match(api, /^ExecStart=\/bin\/sleep 2000 --port 80%i$/m, '{index} is the instance');
      assert.match(api, new RegExp(`^EnvironmentFile=${path.join(FIXTURES, 'export', 'api.env')}$`, 'm'));
      assert.doesNotMatch(api, /from-the-file/, 'an env_file value stays in its file');
      assert.match(api, /^Environment="MODE=production"$/m, 'env overrides the file, so it is written');
      const db = out.read('db@.service');
      assert.match(db, /^User=daemon$/m);
      assert.match(db, /^KillSignal=SIGINT$/m);
      assert.match(db, /^TimeoutStopSec=30s$/m);
      assert.match(db, /^StartLimitIntervalSec=0$/m, 'max_restarts = 0 never gives up');
      assert.match(out.read('nightly.timer'), /^OnCalendar=Mon\.\.Fri \*-\*-\* 03:30:00 Europe\/Berlin$/m);
      assert.match(out.read('nightly.service'), /^RuntimeMaxSec=900s$/m);
      const all = out.read('supd-full.target');
      assert.match(all, /^Wants=db\.target api\.target worker\.mail\.target nightly\.timer$/m, 'worker.import has autostart = false');
      assert.match(out.notes, /^programs\.api\.watch: not expressible in systemd \(use a \.path unit by hand\)$/m);
      assert.match(out.notes, /^programs\.api\.ready: not expressible in systemd/m);
      assert.match(out.notes, /^programs\.db\.health: not expressible in systemd/m);
      assert.match(out.notes, /^programs\.worker\.methods\.import\.autostart: false/m);
    });
  });

  test('k8s: replicas, probes from ready and health on the pod\'s own port, memory, numeric user only, CronJob, ConfigMap', async () => {
    await withTempDir('supd-export-', async (temp) => {
      const out = await exportTo(temp, 'k8s', FULL, '--image', 'app:1');
      const objects = validateK8s(out.read('k8s.yaml'));
      const byName = new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
      const api = byName.get('Deployment/api')!;
      assert.equal(api.spec.replicas, 3);
      const container = api.spec.template.spec.containers[0];
      assert.deepEqual(container.command, ['/bin/sleep', '2000', '--port', '800']);
      assert.deepEqual(container.startupProbe.httpGet, { path: '/ready', port: 8000, scheme: 'HTTP' });
      assert.equal(container.resources.limits.memory, '268435456');
      assert.deepEqual(container.env, [{ name: 'MODE', value: 'production' }, { name: 'RATE', value: '50%' }, { name: 'COST', value: '$5' }]);
      assert.equal(container.envFrom[0].configMapRef.name, byName.get(`ConfigMap/${container.envFrom[0].configMapRef.name}`)!.metadata.name);
      assert.deepEqual(byName.get(`ConfigMap/${container.envFrom[0].configMapRef.name}`)!.data, { API_KEY: 'from-the-file', MODE: 'overridden' });
      const db = byName.get('Deployment/db')!.spec.template.spec;
      assert.deepEqual(db.containers[0].livenessProbe, { tcpSocket: { port: 5432 }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 4, initialDelaySeconds: 10 });
      assert.equal(db.terminationGracePeriodSeconds, 30);
      assert.equal(db.containers[0].securityContext, undefined, 'a user name is not a uid');
      assert.equal(byName.get('Deployment/worker.import')?.spec.replicas ?? byName.get('Deployment/worker-import')!.spec.replicas, 0);
      const nightly = byName.get('CronJob/nightly')!;
      assert.equal(nightly.spec.schedule, '30 3 * * 1-5');
      assert.equal(nightly.spec.timeZone, 'Europe/Berlin');
      assert.equal(nightly.spec.concurrencyPolicy, 'Forbid');
      assert.equal(nightly.spec.jobTemplate.spec.activeDeadlineSeconds, 900);
      assert.match(out.notes, /^programs\.api\.depends_on\[0\]: not expressible in Kubernetes/m);
      assert.match(out.notes, /^programs\.db\.user: "daemon" is a name/m);
      assert.match(out.notes, /^programs\.api\.command\[3\]: per-copy values/m);
    });
  });

  test('compose: replicas, restart with its limit, healthcheck, depends_on waiting for health, user, env, memory, grace period', async () => {
    await withTempDir('supd-export-', async (temp) => {
      const out = await exportTo(temp, 'compose', FULL, '--image', 'app:1');
      const { services } = parseAllDocuments(out.read('compose.yaml'))[0]!.toJS() as { services: Record<string, any> };
      assert.deepEqual(Object.keys(services), ['db', 'api', 'worker.mail', 'worker.import']);
      assert.equal(services.api.deploy.replicas, 3);
      assert.equal(services.api.restart, 'on-failure:5');
      assert.equal(services.api.mem_limit, 268435456);
      assert.deepEqual(services.api.environment, { MODE: 'production', RATE: '50%', COST: '$$5' });
      assert.deepEqual(services.api.depends_on, { db: { condition: 'service_healthy' } });
      assert.deepEqual(services.db.healthcheck, { test: ['CMD-SHELL', "bash -c '</dev/tcp/127.0.0.1/5432' || exit 1"], interval: '5s', timeout: '2s', retries: 4, start_period: '10s' });
      assert.equal(services.db.user, 'daemon');
      assert.equal(services.db.stop_signal, 'SIGINT');
      assert.equal(services.db.stop_grace_period, '30s');
      assert.match(out.notes, /^programs\.nightly\.schedule: not expressible in compose/m);
    });
  });

  test('stdout without --out: each file after a "# file:" line; an invalid config exits 2; an unknown target is a usage error', async () => {
    const printed = await runCli(['export', 'systemd', '-c', FULL]);
    assert.equal(printed.code, 0);
    assert.match(printed.stdout, /^# file: db@\.service\n# Written by supd export systemd/);
    assert.match(printed.stdout, /\n# file: api\.target\n/);
    assert.match(printed.stdout, /\n# file: nightly\.timer\n/);
    await withTempDir('supd-export-', async (temp) => {
      const bad = temp.write('daemons.toml', '[programs.x]\nprocesses = -1\n');
      const invalid = await runCli(['export', 'k8s', '-c', bad]);
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /programs\.x\.processes/);
      const unknown = await runCli(['export', 'nomad', '-c', FULL]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /name one target: systemd, k8s, compose, initd, logrotate/);
    });
  });
});

test('the exported init script starts, reports, reloads and stops a real supd', { skip: process.platform !== 'linux' && 'Linux only' }, async () => {
  const temp = makeTempDir('supd-export-');
  const config = temp.write('daemons.toml', `[programs.sleeper]\ncommand = ["/bin/sleep", "1000"]\nstart_secs = 0\n`);
  const out = await exportTo(temp, 'initd', config);
  const script = path.join(out.dir, out.files[0]!);
  const run = (verb: string) => spawnSync('/bin/sh', [script, verb], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SUPD_TEST_DIR: temp.dir }, timeout: 30_000 });
  try {
    const notRunning = run('status');
    assert.equal(notRunning.status, 3, 'LSB: 3 = not running');
    const start = run('start');
    assert.equal(start.status, 0, start.stderr);
    await waitFor(() => run('status').stdout.includes('running'), { what: 'sleeper running' });
    const status = run('status');
    assert.equal(status.status, 0);
    assert.match(status.stdout, /sleeper:0\s+running/);
    assert.equal(run('start').status, 0, 'start when running is done');
    const reload = run('reload');
    assert.equal(reload.status, 0, reload.stderr);
    assert.match(reload.stdout, /unchanged sleeper/);
    const stop = run('stop');
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(run('status').status, 3);
  } finally {
    spawnSync('/bin/sh', [script, 'stop'], { timeout: 30_000 });
    temp.remove();
  }
});
