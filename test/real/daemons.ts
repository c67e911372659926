// The real-daemon tier's shared helper: where Debian put each daemon, a temp dir the daemons'
// users can reach, the configs (each daemon in its foreground mode, every path in the temp
// dir, ports picked free on 127.0.0.1), small HTTP and FastCGI clients, and a cleanup that
// also finds what a daemon left behind (nginx and PostgreSQL rewrite their environment for
// their process titles, so the SUPD_TEST_DIR marker alone misses them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { listProcs, cmdlineOf, type ProcEntry } from '../helpers/procfs.js';
import { freePort } from '../helpers/ports.js';
import type { ProcessStatus } from '../../src/control/protocol.js';
import { startSupd, type SupdUnderTest } from '../helpers/supd.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';
import { withCleanup } from '../helpers/with-cleanup.js';

export { freePort };
export const IS_ROOT = process.getuid?.() === 0;

function firstExecutable(candidates: readonly string[]): string | null {
  return candidates.find((file) => existsSync(file)) ?? null;
}

function onPath(name: string): string | null {
  const dirs = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin']);
  return firstExecutable(dirs.map((dir) => path.join(dir, name)));
}

/** The newest installed PostgreSQL's bin dir (Debian: /usr/lib/postgresql/<major>/bin), 15 first. */
function findPostgres(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')));
  const major = majors.includes('15') ? '15' : majors.sort((a, b) => Number(b) - Number(a))[0];
  return major === undefined ? null : path.join(root, major, 'bin');
}

function findPhpFpm(): string | null {
  if (existsSync('/usr/sbin/php-fpm8.2')) return '/usr/sbin/php-fpm8.2';
  const found = existsSync('/usr/sbin') ? readdirSync('/usr/sbin').filter((f) => /^php-fpm[0-9.]*$/.test(f)).sort().reverse()[0] : undefined;
  return found === undefined ? null : path.join('/usr/sbin', found);
}

export const BIN = {
  nginx: onPath('nginx'),
  redis: onPath('redis-server'),
  postgres: findPostgres(),
  phpFpm: findPhpFpm(),
  gunicorn: onPath('gunicorn'),
} as const;

const PACKAGES: Record<keyof typeof BIN, string> = { nginx: 'nginx', redis: 'redis-server', postgres: 'postgresql', phpFpm: 'php-fpm', gunicorn: 'gunicorn' };

/** false when every daemon named is installed, else the SKIP reason for node:test. */
export function skipUnless(...daemons: Array<keyof typeof BIN>): string | false {
  const missing = daemons.filter((d) => BIN[d] === null);
  if (missing.length === 0) return false;
  return `SKIP: not installed: ${missing.map((d) => PACKAGES[d]).join(', ')} (apt-get install ${missing.map((d) => PACKAGES[d]).join(' ')}; .ci/run does)`;
}

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** An /etc/passwd entry, or null. */
export function account(name: string): Account | null {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (line === undefined) return null;
  const fields = line.split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** The user a daemon runs as: `preferred` when supd is root (and it exists), else supd's own user (no switch). */
export function daemonUser(preferred: string): Account | null {
  return IS_ROOT ? account(preferred) : null;
}

/** A `[programs.NAME]` table: its command (JSON strings are TOML strings), the user switch when there is one, the keys, then `extra`. */
function programToml(name: string, argv: readonly string[], user: Account | null, keys: readonly string[], extra = ''): string {
  return [`[programs.${name}]`, `command = ${JSON.stringify(argv)}`, ...(user === null ? [] : [`user = "${user.name}"`]), ...keys, 'start_secs = "1s"', extra, ''].join('\n');
}

export interface RealDir {
  readonly temp: TempDir;
  readonly dir: string;
  /** A directory under the temp dir, owned by `user` (when root), for what the daemon writes. */
  own(name: string, user: Account | null, mode?: number): string;
  write(name: string, content: string): string;
}

export function makeRealDir(): RealDir {
  const temp = makeTempDir('supd-real-');
  chmodSync(temp.dir, 0o755);
  return {
    temp,
    dir: temp.dir,
    own(name, user, mode = 0o755) {
      const dir = path.join(temp.dir, name);
      mkdirSync(dir, { recursive: true });
      if (user !== null) chownSync(dir, user.uid, user.gid);
      chmodSync(dir, mode);
      return dir;
    },
    write: (name, content) => temp.write(name, content),
  };
}

// ---- configs: each returns the program's TOML (its name and keys) after writing its files.

export interface NginxOptions {
  readonly port: number;
  readonly user: Account | null;
  /** Where the access log goes: '/dev/stdout' (supd's log of the program) or a file. */
  readonly accessLog?: string;
  readonly name?: string;
  /** More directives for the server block (locations proxying to the other daemons). */
  readonly locations?: string;
  readonly extra?: string;
}

/** nginx in the foreground (`daemon off;`), 2 workers, its pid and temp paths in the temp dir, a 192 KB file at /big served at 64 KB/s. */
export function nginxProgram(real: RealDir, o: NginxOptions): string {
  const run = real.own('nginx', o.user);
  const www = real.own('www', null);
  real.write('www/index.html', 'hello from nginx\n');
  real.write('www/big', 'x'.repeat(192 * 1024));
  const conf = real.write(
    'nginx.conf',
    `daemon off;
worker_processes 2;
pid ${run}/nginx.pid;
error_log stderr notice;
env SUPD_TEST_DIR;
events { worker_connections 64; }
http {
  access_log ${o.accessLog ?? `${run}/access.log`};
  client_body_temp_path ${run}/client_body;
  proxy_temp_path ${run}/proxy;
  fastcgi_temp_path ${run}/fastcgi;
  uwsgi_temp_path ${run}/uwsgi;
  scgi_temp_path ${run}/scgi;
  server {
    listen 127.0.0.1:${o.port};
    root ${www};
    location = /big { limit_rate 64k; }
${o.locations ?? ''}
  }
}
`,
  );
  const keys = ['stop_signal = "SIGQUIT"', `ready = { tcp = "127.0.0.1:${o.port}" }`];
  return programToml(o.name ?? 'nginx', [BIN.nginx!, '-e', 'stderr', '-p', run, '-c', conf], o.user, keys, o.extra);
}

export function redisProgram(real: RealDir, o: { port: number; user: Account | null; extra?: string }): string {
  const data = real.own('redis', o.user, 0o700);
  const argv = [BIN.redis!, '--port', String(o.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', data, '--daemonize', 'no'];
  return programToml('redis', argv, o.user, [`ready = { tcp = "127.0.0.1:${o.port}" }`], o.extra);
}

/** A PostgreSQL cluster made by initdb (as `user`) in the temp dir; returns the data dir. */
export function initPostgres(real: RealDir, user: Account | null): string {
  const data = real.own('pgdata', user, 0o700);
  real.own('pgsock', user);
  const initdb = [path.join(BIN.postgres!, 'initdb'), '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale', 'C'];
  const argv = user === null ? initdb : ['setpriv', '--reuid', String(user.uid), '--regid', String(user.gid), '--init-groups', '--', ...initdb];
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: real.dir, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (result.status !== 0) {
    real.temp.remove();
    throw new Error(`initdb failed (${result.status ?? result.error?.message}): ${result.stderr}`);
  }
  return data;
}

export function postgresProgram(real: RealDir, o: { port: number; user: Account | null; data: string; extra?: string }): string {
  const settings = ['listen_addresses=127.0.0.1', `unix_socket_directories=${path.join(real.dir, 'pgsock')}`, 'logging_collector=off', 'fsync=off'];
  const argv = [path.join(BIN.postgres!, 'postgres'), '-D', o.data, '-p', String(o.port), ...settings.flatMap((setting) => ['-c', setting])];
  const keys = ['stop_signal = "SIGINT"', 'stop_timeout = "30s"', 'ready = { log = "database system is ready to accept connections" }'];
  return programToml('postgres', argv, o.user, keys, o.extra);
}

export interface PhpFpmOptions {
  readonly port: number;
  readonly user: Account | null;
  /** Where php-fpm logs: a file, or '/proc/self/fd/2' (supd's log of the program, and then ready by its log line). */
  readonly errorLog?: string;
  readonly extra?: string;
}

/** php-fpm in the foreground (-F), a static pool of 2 on a TCP port, `/slow.php?ms=N` sleeping N ms (touching a file when it begins). */
export function phpFpmProgram(real: RealDir, o: PhpFpmOptions): string {
  const run = real.own('php', o.user);
  real.write('php/slow.php', `<?php touch(__DIR__ . '/started-' . ($_GET['id'] ?? '0')); usleep(((int) ($_GET['ms'] ?? 1000)) * 1000); echo "slept pid=" . getmypid() . "\\n";\n`);
  const conf = real.write(
    'php-fpm.conf',
    `[global]
pid = ${run}/php-fpm.pid
error_log = ${o.errorLog ?? `${run}/php-fpm.log`}
daemonize = no
log_level = notice
process_control_timeout = 10s

[www]
listen = 127.0.0.1:${o.port}
pm = static
pm.max_children = 2
catch_workers_output = yes
`,
  );
  const ready = o.errorLog === '/proc/self/fd/2' ? 'ready = { log = "ready to handle connections" }' : `ready = { tcp = "127.0.0.1:${o.port}" }`;
  return programToml('php', [BIN.phpFpm!, '-F', '-y', conf], o.user, ['stop_signal = "SIGQUIT"', 'kill_mode = "mixed"', ready], o.extra);
}

/** gunicorn with 2 sync workers and a WSGI app: `/` says its pid, `/slow?ms=N&id=X` touches started-X, then sleeps N ms. */
export function gunicornProgram(real: RealDir, o: { port: number; user: Account | null; extra?: string }): string {
  const app = real.own('app', o.user);
  real.write(
    'app/app.py',
    `import os, time
from urllib.parse import parse_qs

def app(environ, start_response):
    query = parse_qs(environ.get('QUERY_STRING', ''))
    if environ['PATH_INFO'] == '/slow':
        open(os.path.join(os.path.dirname(__file__), 'started-' + query.get('id', ['0'])[0]), 'w').close()
        time.sleep(int(query.get('ms', ['1000'])[0]) / 1000)
    body = ('ok pid=%d\\n' % os.getpid()).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
`,
  );
  const argv = [BIN.gunicorn!, '--workers', '2', '--bind', `127.0.0.1:${o.port}`, '--chdir', app, '--graceful-timeout', '20', '--access-logfile', '-', 'app:app'];
  return programToml('gunicorn', argv, o.user, ['kill_mode = "mixed"', 'stop_timeout = "25s"', `ready = { tcp = "127.0.0.1:${o.port}" }`], o.extra);
}

// ---- running supd on such a dir, and finding what is left.

/** Runs the body with supd on the real dir, then always cleans up (startReal's cleanup). */
export async function withReal<T>(real: RealDir, programs: string, body: (supd: SupdUnderTest) => Promise<T>): Promise<T> {
  return withCleanup(await startReal(real, programs), body);
}

/** supd on the real dir, with a cleanup that also kills whatever a daemon left there. */
export async function startReal(real: RealDir, programs: string, head = ''): Promise<SupdUnderTest> {
  const config = `[supervisor]\nshutdown_timeout = "40s"\n${head}\n${programs}`;
  const supd = await startSupd(config, { reuse: real.temp });
  const cleanup = supd.cleanup.bind(supd);
  return Object.assign(supd, {
    async cleanup(keepDir = false) {
      await cleanup(true);
      await killLeftovers(real.dir);
      if (!keepDir) real.temp.remove();
    },
  });
}

/** Live processes tied to the temp dir: its marker in their environment, their cwd in it, or it on their command line. */
export function processesIn(dir: string, except: readonly number[] = []): ProcEntry[] {
  return listProcs().filter((p) => p.state !== 'Z' && p.pid !== process.pid && !except.includes(p.pid) && isTiedTo(p.pid, dir));
}

function isTiedTo(pid: number, dir: string): boolean {
  try {
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    if (cwd === dir || cwd.startsWith(`${dir}/`)) return true;
  } catch {
    // gone, or not ours to read
  }
  if (cmdlineOf(pid).includes(dir)) return true;
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SUPD_TEST_DIR=${dir}`);
  } catch {
    return false;
  }
}

/** supd's own helpers, not programs: the guardian (awk) and a perl growing spare FIFOs. */
export const SUPD_HELPERS: readonly string[] = ['awk', 'perl'];

/** What is left in the dir of a running supd's programs: processesIn but supd and its helpers. */
export function leftBehind(real: RealDir, supd: SupdUnderTest): string[] {
  const supdPid = supd.child.pid!;
  return processesIn(real.dir, [supdPid])
    .filter((p) => !(p.ppid === supdPid && SUPD_HELPERS.includes(p.comm)))
    .map((p) => `${p.pid} ${cmdlineOf(p.pid)}`);
}

export async function killLeftovers(dir: string): Promise<void> {
  const left = processesIn(dir);
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await waitFor(() => left.every((p) => !isAlive(p.pid)), { timeoutMs: 5000, what: 'leftovers to be gone' }).catch(() => undefined);
}

/** `supd stop NAME`, which must succeed, leave the main pid dead and nothing of the program behind; returns the program's logs. */
export async function stopCleanly(real: RealDir, supd: SupdUnderTest, program: string): Promise<{ out: string; err: string }> {
  const { pid } = await supd.proc(`${program}:0`);
  const stopped = await supd.cli('stop', program);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.ok(pid === null || !isAlive(pid), `the main pid ${pid} is gone`);
  assert.deepEqual(leftBehind(real, supd), [], 'nothing of it is left');
  return { out: programLog(supd, `${program}:0`, 'out'), err: programLog(supd, `${program}:0`, 'err') };
}

/** Waits until the first copy leaves starting/stopped, and asserts that it runs (saying why not, with its stderr). */
export async function assertRuns(supd: SupdUnderTest, name: string): Promise<ProcessStatus> {
  const proc = await supd.waitForState(name, (p) => p.state !== 'starting' && p.state !== 'stopped', 20_000);
  assert.equal(proc.state, 'running', `${name} runs (${proc.reason ?? ''}): ${programLog(supd, name, 'err').slice(-800)}`);
  return proc;
}

/** Pids whose parent is `pid` (a master's workers). */
export function childrenOf(pid: number): number[] {
  return listProcs().filter((p) => p.ppid === pid && p.state !== 'Z').map((p) => p.pid);
}

export function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

/** A program's log as supd wrote it (`out` or `err`), '' when none yet. */
export function programLog(supd: SupdUnderTest, name: string, stream: 'out' | 'err'): string {
  const file = path.join(supd.dir, 'logs', `${name.replace(':', '-')}.${stream}.log`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export function fileText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

// ---- clients.

export interface Reply {
  readonly status: number;
  readonly body: string;
}

/** GET http://127.0.0.1:port/path (no keep-alive); `onHeaders` fires once the response began. */
export function httpGet(port: number, urlPath: string, onHeaders?: () => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 30_000 }, (res) => {
      onHeaders?.();
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error(`response aborted after ${body.length} bytes`)));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Whether something answers HTTP 200 there now. */
export async function serves(port: number, urlPath = '/'): Promise<boolean> {
  try {
    return (await httpGet(port, urlPath)).status === 200;
  } catch {
    return false;
  }
}

/** One FastCGI request (the responder role) to php-fpm; resolves with what the script printed (headers and body). */
export function fastcgiGet(port: number, script: string, query = ''): Promise<string> {
  const record = (type: number, content: Buffer): Buffer => {
    const header = Buffer.alloc(8);
    header.writeUInt8(1, 0);
    header.writeUInt8(type, 1);
    header.writeUInt16BE(1, 2);
    header.writeUInt16BE(content.length, 4);
    return Buffer.concat([header, content]);
  };
  const pair = (name: string, value: string): Buffer => Buffer.concat([Buffer.from([name.length, value.length]), Buffer.from(name + value)]);
  const params = Buffer.concat(
    Object.entries({ SCRIPT_FILENAME: script, REQUEST_METHOD: 'GET', QUERY_STRING: query, SCRIPT_NAME: path.basename(script), SERVER_PROTOCOL: 'HTTP/1.1', GATEWAY_INTERFACE: 'CGI/1.1' }).map(([k, v]) => pair(k, v)),
  );
  const begin = Buffer.from([0, 1, 0, 0, 0, 0, 0, 0]); // role responder, no keep-conn
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let stdout = '';
    socket.setTimeout(30_000, () => socket.destroy(new Error('timed out')));
    socket.on('connect', () => socket.write(Buffer.concat([record(1, begin), record(4, params), record(4, Buffer.alloc(0)), record(5, Buffer.alloc(0))])));
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 8) {
        const length = data.readUInt16BE(4) + data.readUInt8(6);
        if (data.length < 8 + length) break;
        const type = data.readUInt8(1);
        if (type === 6) stdout += data.subarray(8, 8 + data.readUInt16BE(4)).toString();
        if (type === 3) {
          socket.end();
          return resolve(stdout);
        }
        data = data.subarray(8 + length);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed before the end of the request (got: ${JSON.stringify(stdout)})`)));
  });
}

/** Whether php-fpm answers a FastCGI request for `script` now. */
export async function fpmServes(port: number, script: string): Promise<boolean> {
  try {
    return (await fastcgiGet(port, script, 'ms=0')).includes('slept');
  } catch {
    return false;
  }
}

/** Whether a TCP connection to 127.0.0.1:port is accepted now. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
