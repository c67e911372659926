// The five daemons as one site: nginx in front of gunicorn and php-fpm, those on PostgreSQL
// and redis (depends_on). kill -9 of supd leaves nothing of any of them; `supd run -d` on the
// same dir brings each back once; `supd shutdown` stops dependents before their dependencies.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listProcs } from '../helpers/procfs.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import {
  daemonUser, freePort, gunicornProgram, httpGet, initPostgres, makeRealDir, nginxProgram, phpFpmProgram, postgresProgram, processesIn, programLog, redisProgram, skipUnless, withReal, SUPD_HELPERS,
} from './daemons.js';

const NAMES = ['gunicorn:0', 'nginx:0', 'php:0', 'postgres:0', 'redis:0'];

/** Whether `pid` descends from `ancestor`. */
function descendsFrom(pid: number, ancestor: number): boolean {
  const parents = new Map(listProcs().map((p) => [p.pid, p.ppid]));
  for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === ancestor) return true;
  return false;
}

test('a site of five daemons: kill -9 of supd leaves nothing, run -d brings each back once, shutdown goes in dependency order', { skip: skipUnless('nginx', 'redis', 'postgres', 'phpFpm', 'gunicorn'), timeout: 120_000 }, async (t) => {
  const real = makeRealDir();
  const [web, app, php, pg, redis] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const www = daemonUser('www-data');
  const locations = `    location /app/ { proxy_pass http://127.0.0.1:${app}/; }
    location = /slow.php {
      fastcgi_pass 127.0.0.1:${php};
      fastcgi_param SCRIPT_FILENAME ${path.join(real.dir, 'php', 'slow.php')};
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param QUERY_STRING $query_string;
    }`;
  const programs = [
    postgresProgram(real, { port: pg, user: daemonUser('postgres'), data: initPostgres(real, daemonUser('postgres')) }),
    redisProgram(real, { port: redis, user: daemonUser('redis') }),
    gunicornProgram(real, { port: app, user: www, extra: 'depends_on = ["postgres", "redis"]' }),
    phpFpmProgram(real, { port: php, user: www, extra: 'depends_on = ["postgres"]' }),
    nginxProgram(real, { port: web, user: www, locations, extra: 'depends_on = ["gunicorn", "php"]' }),
  ].join('\n');
  await withReal(real, programs, async (supd) => {
    const allRunning = async (): Promise<boolean> => {
      const status = await supd.status();
      return NAMES.every((name) => status.processes.find((p) => p.name === name)?.state === 'running');
    };
    const site = async (): Promise<boolean> => {
      try {
        const [a, p] = await Promise.all([httpGet(web, '/app/'), httpGet(web, '/slow.php?ms=0')]);
        return a.status === 200 && a.body.startsWith('ok pid=') && p.status === 200 && p.body.startsWith('slept');
      } catch {
        return false;
      }
    };
    await waitFor(allRunning, { timeoutMs: 60_000, what: 'the five daemons to run' });
    await waitFor(site, { what: 'nginx to serve from gunicorn and php-fpm' });

    await t.test('kill -9 of supd: no process of any daemon survives it', async () => {
      const before = processesIn(real.dir, [supd.child.pid!]);
      assert.ok(before.length >= 12, `masters and workers: ${before.length}`);
      supd.child.kill('SIGKILL');
      await waitFor(() => processesIn(real.dir).length === 0, { timeoutMs: 3000, what: 'every daemon process to be gone' }).catch(() => {
        throw new Error(`survivors: ${processesIn(real.dir).map((p) => `${p.pid} ${p.comm}`).join(', ')}`);
      });
      assert.ok(before.every((p) => !isAlive(p.pid)));
      // Dead is not gone: until init reaps a zombie its pid still answers kill(pid, 0), and
      // PostgreSQL takes the pid in its stale postmaster.pid for a live postmaster. An init
      // that reaps at once (systemd, tini) makes this instant; some container inits take seconds.
      await waitFor(() => before.every((p) => !existsSync(`/proc/${p.pid}`)), { timeoutMs: 20_000, what: 'init to reap the killed daemons' });
    });

    await t.test('supd run -d on the same dir brings each daemon back once', async () => {
      const started = await supd.cli('run', '-d');
      assert.equal(started.code, 0, started.stderr);
      await waitFor(allRunning, { timeoutMs: 60_000, what: 'the five daemons to run again' });
      await waitFor(site, { what: 'the site to serve again' });
      const status = await supd.status();
      const supdPid = status.supervisor.pid;
      for (const p of status.processes) assert.equal(p.restarts, 0, `${p.name} started once: ${programLog(supd, p.name, "err").slice(-800)}`);
      // A daemon's parent is supd's spawn helper (a perl child of supd), or supd itself where it forks.
      const procs = listProcs().filter((p) => p.state !== 'Z');
      const forkers = new Set([supdPid, ...procs.filter((p) => p.ppid === supdPid && p.comm === 'perl').map((p) => p.pid)]);
      const mains = procs.filter((p) => forkers.has(p.ppid) && !(p.ppid === supdPid && SUPD_HELPERS.includes(p.comm))).map((p) => p.pid).sort();
      assert.deepEqual(mains, status.processes.map((p) => p.pid!).sort(), 'one main process per daemon, each the one status shows');
      const strays = processesIn(real.dir, [supdPid]).filter((p) => !descendsFrom(p.pid, supdPid) && p.comm !== 'node');
      assert.deepEqual(strays.map((p) => `${p.pid} ${p.comm}`), [], 'every daemon process is under the new supd');
    });

    await t.test('supd shutdown: dependents stop before their dependencies, nothing is left', async () => {
      const down = await supd.cli('shutdown');
      assert.equal(down.code, 0, down.stderr);
      const log = supd.supdLog();
      const last = log.slice(log.lastIndexOf('shutting down'));
      const exits = [...last.matchAll(/\[(\w+):0\] pid \d+ (?:exited|killed)/g)].map((m) => m[1]!);
      assert.equal(exits.length, 5, last);
      const at = (name: string): number => exits.indexOf(name);
      assert.ok(at('nginx') < at('gunicorn') && at('nginx') < at('php'), `nginx first: ${exits.join(', ')}`);
      assert.ok(at('gunicorn') < at('postgres') && at('gunicorn') < at('redis'), `gunicorn before postgres and redis: ${exits.join(', ')}`);
      assert.ok(at('php') < at('postgres'), `php before postgres: ${exits.join(', ')}`);
      await waitFor(() => processesIn(real.dir).length === 0, { timeoutMs: 5000, what: 'supd and every daemon to be gone' });
    });
  });
});
