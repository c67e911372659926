// supd import on config files of the shapes real projects use: each imported, passing
// `supd check`, with the programs, counts and settings expected, and a comment for each
// setting that did not carry over. Then one import run for real.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'smol-toml';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const IMPORTS = path.join(FIXTURES, 'import');

interface Imported {
  readonly text: string;
  readonly programs: Record<string, Record<string, unknown>>;
  readonly supervisor: Record<string, unknown> | undefined;
  readonly stderr: string;
}

// Imports into a temp dir's daemons.toml, then checks it with `supd check` as a user would.
async function importFixture(fixture: string, ...extra: string[]): Promise<Imported> {
  return withTempDir('supd-import-', async (temp) => {
    const out = path.join(temp.dir, 'daemons.toml');
    const env = { ...process.env, NO_COLOR: '1', HOME: '/home/tester' };
    const result = await runCli(['import', path.join(IMPORTS, fixture), '--out', out, ...extra], { cwd: temp.dir, env });
    assert.equal(result.code, 0, `import ${fixture}: ${result.stderr}`);
    assert.match(result.stderr, /^imported \d+ programs? from /);
    const check = await runCli(['check', '-c', out], { cwd: temp.dir, env });
    assert.equal(check.code, 0, `check of ${fixture}'s import: ${check.stderr}\n${readFileSync(out, 'utf8')}`);
    const text = readFileSync(out, 'utf8');
    // Through JSON: smol-toml's tables have no prototype, which deepEqual tells apart.
    const data = JSON.parse(JSON.stringify(parse(text))) as { programs: Imported['programs']; supervisor?: Record<string, unknown> };
    return { text, programs: data.programs, supervisor: data.supervisor, stderr: result.stderr };
  });
}

/** The comment lines written above a program's table. */
function notesOf(text: string, program: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l === `[programs.${program}]`);
  const notes: string[] = [];
  for (let i = at - 1; i >= 0 && lines[i]!.startsWith('#'); i--) notes.unshift(lines[i]!);
  return notes.join('\n');
}

describe('supd import from supervisord', () => {
  test('Django, gunicorn and Celery: env with quotes, user, stop timeouts, kill modes, priority order', async () => {
    const { programs, text } = await importFixture('supervisord/django-celery.conf');
    assert.deepEqual(Object.keys(programs), ['gunicorn', 'celerybeat', 'celery'], 'priority order: 100, 999, 1000');
    assert.deepEqual(programs.gunicorn!.command, ['/srv/venv/bin/gunicorn', 'proj.wsgi:application', '--workers', '3', '--bind', '127.0.0.1:8000']);
    assert.deepEqual(programs.gunicorn!.env, { DJANGO_SETTINGS_MODULE: 'proj.settings.production', PYTHONUNBUFFERED: '1' });
    assert.equal(programs.gunicorn!.user, 'django');
    assert.equal(programs.gunicorn!.cwd, '/srv/proj');
    assert.equal(programs.gunicorn!.stop_signal, 'SIGTERM');
    assert.deepEqual(programs.gunicorn!.stderr, { file: '/var/log/proj/gunicorn.err.log' });
    assert.equal(programs.celery!.stop_timeout, '600s');
    assert.equal(programs.celery!.start_secs, '10s');
    assert.equal(programs.celery!.kill_mode, 'mixed', 'killasgroup without stopasgroup');
    assert.equal(programs.celery!.processes, 1);
    assert.match(notesOf(text, 'gunicorn'), /priority = 100: .*depends_on/);
  });

  test('Laravel queue workers: numprocs with %(process_num)02d, redirect_stderr, one log per copy', async () => {
    const { programs, text } = await importFixture('supervisord/laravel-queue.conf');
    const worker = programs['laravel-worker']!;
    assert.equal(worker.processes, 8);
    assert.equal(worker.kill_mode, 'group');
    assert.equal(worker.stop_timeout, '3600s');
    assert.equal(worker.stderr, 'merge');
    assert.equal(worker.user, 'forge');
    assert.deepEqual(worker.stdout, { file: '/var/www/app/storage/logs/worker-{index}.log' });
    assert.match(notesOf(text, 'laravel-worker'), /each copy needs its own file/);
  });

  test('nginx and php-fpm in an image logging to /dev/stdout: console output; autorestart=false', async () => {
    const { programs, text, supervisor } = await importFixture('supervisord/nginx-phpfpm-docker.conf');
    assert.equal(supervisor, undefined, 'no childlogdir: the default log dir');
    assert.deepEqual(programs.nginx!.command, ['nginx', '-g', 'daemon off;']);
    assert.equal(programs.nginx!.restart, 'never');
    assert.equal(programs['php-fpm']!.stdout, 'console', '/dev/stdout with maxbytes 0 is supd\'s console');
    assert.equal(programs['php-fpm']!.stderr, 'console');
    assert.equal(programs.nginx!.stdout, 'console');
    assert.match(text, /\[supervisord\] \(nginx-phpfpm-docker.conf:1\): supervisord's own settings/);
  });

  test('a group: its programs imported, the group named in a note with the supd command for it', async () => {
    const { programs, text } = await importFixture('supervisord/groups.conf');
    assert.deepEqual(Object.keys(programs), ['shop-web', 'shop-worker']);
    assert.equal(programs['shop-web']!.processes, 2);
    assert.deepEqual(programs['shop-web']!.env, { PORT: '300{index}' }, '%(process_num)02d as a fixed 0 and {index}');
    assert.match(text, /\[group:shop\].*supd restart shop-web shop-worker/);
    assert.match(notesOf(text, 'shop-web'), /of \[group:shop\]/);
  });

  test('[include] files by glob, relative to the including file', async () => {
    const { programs, supervisor } = await importFixture('supervisord/includes.conf');
    assert.deepEqual(Object.keys(programs).sort(), ['api', 'mailer']);
    assert.deepEqual(supervisor, { log_dir: path.join(IMPORTS, 'supervisord', 'logs') }, 'childlogdir, with %(here)s');
    assert.equal(programs.api!.restart, 'on-failure');
    assert.deepEqual(programs.api!.success_exit_codes, [0, 2]);
    assert.equal(programs.mailer!.max_restarts, 5);
    assert.equal(programs.mailer!.start_secs, '5s');
  });

  test('fcgi-program and eventlistener commented out with why; the plain program imported', async () => {
    const { programs, text } = await importFixture('supervisord/fcgi-eventlistener.conf');
    assert.deepEqual(Object.keys(programs), ['app']);
    assert.match(text, /# not imported: an fcgi-program needs supervisord to hold a FastCGI socket/);
    assert.match(text, /# \[programs\.php\]\n# command = \["\/usr\/bin\/php-cgi"\]/);
    assert.match(text, /# not imported: an eventlistener speaks supervisord's event protocol/);
  });

  test('%(here)s, %(ENV_HOME)s, %(program_name)s and %% expand; quoted environment values keep their commas', async () => {
    const { programs } = await importFixture('supervisord/env-expansions.conf');
    const here = path.join(IMPORTS, 'supervisord');
    const reporter = programs.reporter!;
    assert.deepEqual(reporter.command, [`${here}/bin/report`, '--home', '${HOME}', '--rate', '50$$'.replace('$$', '%')], 'ENV_HOME read by supd at start, as supervisord did');
    assert.deepEqual(reporter.stdout, { file: `${here}/logs/reporter.log` });
    assert.deepEqual(reporter.env, { A: 'x,y', B: 'single', C: 'plain' });
    assert.equal(reporter.umask, '022');
    assert.equal(reporter.restart, 'on-failure');
    assert.equal(reporter.max_restarts, 7);
  });

  test('the control-server sections are explained, NONE discards stdout, rotation of stderr carries over', async () => {
    const { programs, text, supervisor } = await importFixture('supervisord/unix-http-server.conf');
    assert.deepEqual(supervisor, { socket_group: 'daemon', socket_mode: '0770' }, 'chown and chmod of [unix_http_server]');
    assert.equal(programs.quiet!.stdout, false);
    assert.deepEqual(programs.quiet!.stderr, { max_size: '5M', keep: 3 });
    assert.match(text, /\[unix_http_server\].*not needed: the supd CLI talks to supd over its own socket/);
    assert.match(text, /\[supervisorctl\]/);
  });

  test('a name supd cannot take is renamed and said so; numprocs_start, autostart, stopsignal', async () => {
    const { programs, text } = await importFixture('supervisord/odd-names.conf');
    const app = programs['my-app']!;
    assert.equal(app.autostart, false);
    assert.equal(app.stop_signal, 'SIGQUIT');
    assert.equal(app.processes, 3);
    assert.deepEqual(app.stdout, { file: '/var/log/my.app/out-{index}.log' });
    assert.match(notesOf(text, 'my-app'), /renamed from "my\.app"/);
    assert.match(notesOf(text, 'my-app'), /numprocs_start = 1: supd numbers copies from 0/);
  });

  test('commands split as supervisord splits them (no shell); unknown keys become notes', async () => {
    const { programs, text } = await importFixture('supervisord/shell-command.conf');
    assert.deepEqual(programs.boot!.command, ['/bin/bash', '-c', 'cd /srv && exec ./run --color']);
    assert.deepEqual(programs.naive!.command, ['/usr/bin/prepare', '&&', '/usr/bin/serve']);
    assert.match(text, /supervisord ran no shell either: && reach the program as arguments/);
    assert.match(notesOf(text, 'boot'), /stdout_events_enabled = true: supd has no events enabled/);
    assert.match(notesOf(text, 'boot'), /serverurl = AUTO.*socket/);
  });
});

describe('supd import from PM2', () => {
  test('a JSON ecosystem: name, script, args, env; env_production named in a note', async () => {
    const { programs, text } = await importFixture('pm2/basic.json');
    assert.deepEqual(programs.api!.command, ['node', path.join(IMPORTS, 'pm2', 'server.js'), '--port', '3000', '--verbose']);
    assert.deepEqual(programs.api!.env, { NODE_ENV: 'development', PORT: '3000' });
    assert.match(notesOf(text, 'api'), /env_production: not imported \(pick one with supd import --env production\)/);
  });

  test('--env production takes env_production over env', async () => {
    const { programs } = await importFixture('pm2/basic.json', '--env', 'production');
    assert.deepEqual(programs.api!.env, { NODE_ENV: 'production', PORT: '3000' });
  });

  test('a cluster in .config.js: instances max, exec_mode cluster, max_memory_restart', async () => {
    const { programs, text } = await importFixture('pm2/cluster.config.js');
    assert.equal(programs.web!.processes, 'max');
    assert.equal(programs.web!.max_memory, '300M');
    assert.deepEqual(programs.web!.env, { NODE_ENV: 'production', NODE_APP_INSTANCE: '{index}' });
    assert.match(notesOf(text, 'web'), /exec_mode = cluster: .*own port/);
  });

  test('.cjs with cron_restart (a scheduled restart program) and autorestart false', async () => {
    const { programs } = await importFixture('pm2/cron.cjs');
    assert.equal(programs['feeds-cron-restart']!.schedule, '0 */6 * * *');
    assert.deepEqual(programs['feeds-cron-restart']!.command, ['supd', 'restart', 'feeds', '-c', 'daemons.toml']);
    assert.equal(programs.once!.restart, 'never');
  });

  test('watch with ignore_watch: globs carried, regular expressions noted', async () => {
    const { programs, text } = await importFixture('pm2/watch.json');
    const here = path.join(IMPORTS, 'pm2');
    assert.deepEqual(programs.dev!.watch, { paths: [path.join(here, 'src'), path.join(here, 'config')], ignore: ['**/node_modules/**'], debounce: '1000ms' });
    assert.match(text, /# ignore_watch \\\.git: regular expressions; supd ignores by glob, rewrite them as globs\nwatch = /);
  });

  test('a bare array of apps: the name comes from the script', async () => {
    const { programs } = await importFixture('pm2/bare-array.json');
    assert.equal(programs.worker!.processes, 2);
    assert.deepEqual(programs.worker!.command, ['node', path.join(IMPORTS, 'pm2', 'worker.js')]);
  });

  test('a Python app with its interpreter, args array and cwd', async () => {
    const { programs } = await importFixture('pm2/python.json');
    const cwd = path.join(IMPORTS, 'pm2', 'services', 'scraper');
    assert.deepEqual(programs.scraper!.command, ['python3', path.join(cwd, 'app.py'), '--once', '--queue', 'high']);
    assert.equal(programs.scraper!.cwd, cwd);
  });

  test('ecosystem.config.js with env_staging picked by --env; deploy noted', async () => {
    const { programs, text } = await importFixture('pm2/ecosystem.config.js', '--env', 'staging');
    assert.deepEqual(programs.app!.env, { NODE_ENV: 'staging', API_URL: 'https://staging.example.com' });
    assert.match(text, /# deploy: PM2's deployment recipes/);
  });

  test('out_file and error_file per copy with merge_logs, timestamps from log_date_format', async () => {
    const { programs, text } = await importFixture('pm2/logs.json');
    const logs = path.join(IMPORTS, 'pm2', 'logs');
    assert.deepEqual(programs.events!.stdout, { file: `${logs}/events.out-{index}.log`, timestamps: true });
    assert.deepEqual(programs.events!.stderr, { file: `${logs}/events.err-{index}.log`, timestamps: true });
    assert.match(notesOf(text, 'events'), /merge_logs: supd gives each copy its own file/);
  });

  test('min_uptime, max_restarts, restart_delay, kill_timeout in ms; wait_ready explained with ready.fd', async () => {
    const { programs, text } = await importFixture('pm2/restart.json');
    const gateway = programs.gateway!;
    assert.equal(gateway.start_secs, '10s');
    assert.equal(gateway.max_restarts, 10);
    assert.deepEqual(gateway.backoff, { initial: '3000ms', factor: 1, max: '3000ms' });
    assert.equal(gateway.stop_timeout, '5000ms');
    assert.match(notesOf(text, 'gateway'), /wait_ready: .*ready = \{ fd = 3, timeout = "8000ms" \}/);
  });

  test('an ES module: exp_backoff_restart_delay, instances -1, increment_var, treekill, stop_exit_codes, namespace', async () => {
    const { programs, text } = await importFixture('pm2/exp-backoff.mjs');
    const queue = programs.queue!;
    assert.equal(queue.processes, 'max-1');
    assert.deepEqual(queue.env, { PORT: '400{index}', NODE_APP_INSTANCE: '{index}' });
    assert.deepEqual(queue.backoff, { initial: '100ms', factor: 1.5, max: '15s' });
    assert.equal(queue.kill_mode, 'process');
    assert.equal(queue.restart, 'on-failure');
    assert.deepEqual(queue.success_exit_codes, [0]);
    assert.match(notesOf(text, 'queue'), /namespace = "jobs": supd has no namespaces/);
  });
});

describe('supd import from a Procfile', () => {
  test('Rails: web and worker as argv, PORT per type as foreman sets it, release commented out', async () => {
    const { programs, text } = await importFixture('procfile/Procfile.rails');
    assert.deepEqual(Object.keys(programs), ['web', 'worker']);
    assert.deepEqual(programs.web!.command, ['bundle', 'exec', 'puma', '-C', 'config/puma.rb']);
    assert.deepEqual(programs.web!.env, { PORT: '500{index}' });
    assert.deepEqual(programs.worker!.env, { PORT: '510{index}' });
    assert.match(text, /# not imported: release is a deploy step/);
  });

  test('a $PORT line runs through sh with exec; a comment line is skipped', async () => {
    const { programs } = await importFixture('procfile/Procfile.node');
    assert.deepEqual(programs.web!.command, ['/bin/sh', '-c', 'exec node server.js --port $$PORT'], '$$ in the file: sh sees $PORT');
    assert.deepEqual(programs.clock!.command, ['node', 'clock.js']);
  });

  test('a shell line with && stays a shell, signals to the group', async () => {
    const { programs, text } = await importFixture('procfile/Procfile.python');
    assert.deepEqual(programs.worker!.command, ['/bin/sh', '-c', 'celery -A proj worker && echo done']);
    assert.equal(programs.worker!.kill_mode, 'group');
    assert.match(text, /a shell line: sh stays the main process/);
  });
});

describe('supd import, the edges', () => {
  test('an unreadable or malformed file exits 2 naming it and the line', async () => {
    await withTempDir('supd-import-', async (temp) => {
      const missing = await runCli(['import', path.join(temp.dir, 'nope.conf')], { cwd: temp.dir });
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.conf: cannot read it: ENOENT/);
      const ini = temp.write('bad.conf', '[program:x]\ncommand=/bin/true\nthis line has no equals\n');
      const badIni = await runCli(['import', ini], { cwd: temp.dir });
      assert.equal(badIni.code, 2);
      assert.match(badIni.stderr, /bad\.conf:3: cannot read this line/);
      const json = temp.write('eco.json', '{ "apps": [ { "script": "a.js", } ] }');
      const badJson = await runCli(['import', json], { cwd: temp.dir });
      assert.equal(badJson.code, 2);
      assert.match(badJson.stderr, /eco\.json:1:\d+: /);
      const proc = temp.write('Procfile', 'web bundle exec puma\n');
      const badProc = await runCli(['import', proc], { cwd: temp.dir });
      assert.equal(badProc.code, 2);
      assert.match(badProc.stderr, /Procfile:1: not a "name: command" line/);
      const what = temp.write('mystery', '\n\n');
      const unknown = await runCli(['import', what], { cwd: temp.dir });
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /cannot tell what it is: name it with --from/);
    });
  });

  test('--out never replaces a file without --force; without --out the TOML goes to stdout', async () => {
    await withTempDir('supd-import-', async (temp) => {
      const out = temp.write('daemons.toml', '# mine\n');
      const source = path.join(IMPORTS, 'procfile', 'Procfile.rails');
      const refused = await runCli(['import', source, '--out', out], { cwd: temp.dir });
      assert.equal(refused.code, 2);
      assert.equal(readFileSync(out, 'utf8'), '# mine\n');
      const forced = await runCli(['import', source, '--out', out, '--force'], { cwd: temp.dir });
      assert.equal(forced.code, 0, forced.stderr);
      assert.match(readFileSync(out, 'utf8'), /\[programs\.web\]/);
      const printed = await runCli(['import', source], { cwd: temp.dir });
      assert.equal(printed.code, 0);
      assert.match(printed.stdout, /^# Imported by `supd import` from Procfile\.rails \(Procfile\)/);
    });
  });

  test('a Laravel-style supervisord.conf, imported, runs: every worker up with its own log', async () => {
    const temp = makeTempDir('supd-import-');
    const forever = path.join(FIXTURES, 'bin', 'forever.js');
    writeFileSync(path.join(temp.dir, 'supervisord.conf'), `[program:queue-worker]
process_name=%(program_name)s_%(process_num)02d
command=${process.execPath} ${forever} queue:work --sleep=3 --tries=3
directory=%(here)s
autostart=true
autorestart=true
stopasgroup=true
killasgroup=true
numprocs=3
redirect_stderr=true
stdout_logfile=%(here)s/logs/worker.log
stopwaitsecs=5
startsecs=0
`);
    const imported = await runCli(['import', 'supervisord.conf', '--out', 'daemons.toml'], { cwd: temp.dir });
    assert.equal(imported.code, 0, imported.stderr);
    await withSupd(readFileSync(path.join(temp.dir, 'daemons.toml'), 'utf8'), { reuse: temp }, async (supd) => {
      await waitFor(async () => {
        const report = await supd.status();
        return report.processes.length === 3 && report.processes.every((p) => p.state === 'running');
      }, { what: 'three workers running' });
      for (const index of [0, 1, 2]) {
        const line = await waitFor(() => readFileSync(path.join(temp.dir, 'logs', `worker-${index}.log`), 'utf8').split('\n')[0] || undefined, { what: `worker-${index}.log` });
        const first = JSON.parse(line) as { name: string; argv: string[] };
        assert.equal(first.name, `queue-worker:${index}`);
        assert.deepEqual(first.argv, ['queue:work', '--sleep=3', '--tries=3']);
      }
    });
  });
});
