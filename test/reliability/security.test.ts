// Security: the control socket refuses other users (a client run as nobody, when root);
// nothing supd writes is writable by others, even under umask 000; `user` switching leaves
// none of supd's supplementary groups to the child; env values appear neither in supd.log,
// nor in status, reports or alert mail.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, SUPD_BIN } from '../helpers/paths.js';
import { groupsOf } from '../helpers/procfs.js';
import { runCli } from '../helpers/run-cli.js';
import { reportFigures } from '../helpers/soak.js';
import { withSupd } from '../helpers/supd.js';
import { makeTempDir, withTempDir } from '../helpers/temp.js';
import { isAlive, waitFor } from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;
const asRoot = isRoot ? false : 'needs root (a client as nobody, user switching)';
const node = JSON.stringify(process.execPath);

/** Every path under `dir`, itself included. */
function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out = [dir];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (lstatSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

test('the control socket refuses another user, by its own modes (0600 socket in a 0700 dir)', { skip: asRoot }, async (t) => {
  await withSupd(`[programs.one]\ncommand = ["sleep", "2147483640"]\n`, async (supd) => {
    const stateDir = path.join(supd.dir, '.supd');
    const socket = path.join(stateDir, 'supd.sock');
    assert.equal(octal(statSync(socket).mode), '0600');
    assert.equal(octal(statSync(stateDir).mode), '0700');
    // Only supd's own modes stand in the way: the temp dir above is opened up.
    chmodSync(supd.dir, 0o755);
    const asNobody = (): ReturnType<typeof spawnSync> =>
      spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SUPD_BIN, 'status', '--socket', socket], { encoding: 'utf8', timeout: 10_000 });
    const throughDir = asNobody();
    // Issue 14: told it is a permission problem (exit 1) and whose, not "no supervisor answers" (exit 3).
    assert.equal(throughDir.status, 1, `nobody got in: ${throughDir.stdout}${throughDir.stderr}`);
    assert.ok(String(throughDir.stderr).includes(`permission denied on ${socket}: its directory ${stateDir} is owned by root:root, mode 0700`), String(throughDir.stderr));
    // With the dir opened too, the socket's own 0600 still refuses.
    chmodSync(stateDir, 0o755);
    const throughSocket = asNobody();
    chmodSync(stateDir, 0o700);
    assert.equal(throughSocket.status, 1, `nobody got in: ${throughSocket.stdout}${throughSocket.stderr}`);
    assert.ok(String(throughSocket.stderr).includes(`permission denied on ${socket}: the socket is owned by root:root, mode 0600`), String(throughSocket.stderr));
    assert.equal((await supd.cli('status')).code, 0, 'root still gets in');
    reportFigures(t, { 'connections as nobody refused': 2 });
  });
});

test('nothing supd writes is writable by others, even when supd runs under umask 000', async (t) => {
  // supd under umask 000 (set by the shell that execs it; this process keeps its own).
  await withSupd(`
[supervisor]
log = { max_size = "4K", keep = 3, compress = true }

[programs.chatty]
command = [${node}, "${FIXTURES}/bin/numbered.js", "progress.log", "5"]
start_secs = "0"
stdout = { max_size = "8K", keep = 5, compress = true }
stderr = { file = "logs/err/chatty.err.log" }

[reports.r]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
file = "reports/status.txt"
`, { wrapper: ['sh', '-c', 'umask 000 && exec "$@"', 'sh'] }, async (supd) => {
    assert.match(readFileSync(`/proc/${supd.child.pid}/status`, 'utf8'), /^Umask:\s+0000$/m, 'supd runs under umask 000');
    await supd.waitForState('chatty:0', 'running');
    assert.equal((await supd.cli('report', 'r', '--send')).code, 0);
    // Rotations and gzips of the process log and of supd.log (restarts fill it).
    for (let i = 0; i < 12; i++) await supd.cli('restart', 'chatty');
    await waitFor(() => readdirSync(path.join(supd.dir, 'logs')).some((n) => n.startsWith('chatty-0.out.log.') && n.endsWith('.gz')), { what: 'a gzipped log' });
    await waitFor(() => readdirSync(path.join(supd.dir, 'logs')).some((n) => n.startsWith('supd.log.') && n.endsWith('.gz')), { what: 'a gzipped supd.log' });
    const paths = [...walk(path.join(supd.dir, '.supd')), ...walk(path.join(supd.dir, 'logs')), ...walk(path.join(supd.dir, 'reports'))];
    assert.ok(paths.some((p) => p.endsWith('children')) && paths.some((p) => p.endsWith('supd.pid')) && paths.some((p) => p.endsWith('supd.sock')));
    const writable = paths.filter((p) => (lstatSync(p).mode & 0o022) !== 0).map((p) => `${path.relative(supd.dir, p)} ${octal(lstatSync(p).mode)}`);
    assert.deepEqual(writable, [], 'written by supd, writable by group or others');
    assert.equal(octal(lstatSync(path.join(supd.dir, '.supd')).mode), '0700');
    assert.equal(octal(lstatSync(path.join(supd.dir, '.supd', 'supd.sock')).mode), '0600');
    assert.equal(octal(lstatSync(path.join(supd.dir, '.supd', 'children')).mode), '0600');
    reportFigures(t, { 'paths checked (state dir, logs, reports)': paths.length });
  });
});

test('a children registry another user could have written is not trusted: no process it names is killed', { skip: asRoot }, async (t) => {
  const temp = makeTempDir();
  // A state dir left writable by all (made by hand), and in it a registry forged by nobody
  // (and one by root but writable by all) naming a process of someone else, start time and all.
  const victim = spawn('sleep', ['2147483639'], { stdio: 'ignore' });
  const victims = [victim];
  try {
    const stateDir = path.join(temp.dir, '.supd');
    mkdirSync(stateDir, { mode: 0o777 });
    chmodSync(stateDir, 0o777);
    for (const forge of [(file: string) => chownSync(file, 65534, 65534), (file: string) => chmodSync(file, 0o666)]) {
      const startTime = readFileSync(`/proc/${victim.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      const registry = path.join(stateDir, 'children');
      writeFileSync(registry, `${victim.pid} ${startTime} web:0\n`, { mode: 0o644 });
      forge(registry);
      await withSupd('[programs.web]\ncommand = ["sleep", "2147483640"]\n', { reuse: temp, keepDir: true }, async (supd) => {
        assert.ok(isAlive(victim.pid!), 'the process the forged registry names is alive');
        assert.equal(octal(statSync(stateDir).mode), '0700', 'the state dir made supd\'s alone');
        assert.match(supd.supdLog(), /the state dir .* was writable by other users \(mode 0777\): made 0700/);
        chmodSync(stateDir, 0o777);
        assert.match(supd.supdLog(), /not trusting .*children.*(owned by uid 65534|writable by others)/);
      });
    }
    reportFigures(t, { 'forged registries ignored': 2 });
  } finally {
    for (const v of victims) v.kill('SIGKILL');
    temp.remove();
  }
});

test('a shared state dir (another owner, or sticky like /tmp) is refused', async () => {
  await withTempDir(async (temp) => {
    const shared = path.join(temp.dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const config = temp.write('daemons.toml', `[supervisor]\nstate_dir = "shared"\n[programs.web]\ncommand = ["sleep", "2147483640"]\n`);
    const run = await runCli(['run', '-c', config], { cwd: temp.dir, timeoutMs: 10_000 });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /state dir .*shared is writable by other users \(mode 1777\) and shared/);
  });
});

test('user switching: the child has the user\'s groups, none of supd\'s supplementary groups', { skip: asRoot }, async (t) => {
  const nobodyGroups = execFileSync('id', ['-G', 'nobody'], { encoding: 'utf8' }).trim().split(' ').map(Number).sort((a, b) => a - b);
  // supd itself runs with the supplementary groups adm (4) and sudo (27).
  await withSupd(`
[programs.asnobody]
command = ["sleep", "2147483640"]
user = "nobody"
start_secs = "0"

[programs.groupOnly]
command = ["sleep", "2147483641"]
group = "nogroup"
start_secs = "0"
`, { wrapper: ['setpriv', '--groups=4,27', '--'] }, async (supd) => {
    assert.deepEqual(groupsOf(supd.child.pid!).sort((a, b) => a - b), [4, 27], 'supd has the extra groups');
    const user = await supd.waitForState('asnobody:0', 'running');
    const groupOnly = await supd.waitForState('groupOnly:0', 'running');
    assert.deepEqual(groupsOf(user.pid!).sort((a, b) => a - b), nobodyGroups);
    assert.match(readFileSync(`/proc/${user.pid}/status`, 'utf8'), /^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    assert.deepEqual(groupsOf(groupOnly.pid!), [], 'a group alone clears the supplementary groups');
    reportFigures(t, { "supd's groups": '4 27', "the nobody child's groups": groupsOf(user.pid!).join(' '), "the group-only child's groups": '(none)' });
  });
});

test('env values appear in no log line, status, report or alert mail', { timeout: 60_000 }, async (t) => {
  const secret = `s3cr3t-${process.pid}-${Date.now()}`;
  const fileSecret = `f1l3-${process.pid}-${Date.now()}`;
  const config = (extra: string): string => `
[supervisor]
log_level = "debug"

[programs.app]
command = ["sleep", "2147483640"]
env = { API_TOKEN = "${secret}" }
env_file = ["app.env"]
start_secs = "0"
${extra}

[programs.doomed]
command = ["sh", "-c", "exit 1"]
env = { API_TOKEN = "${secret}" }
env_file = ["app.env"]
max_restarts = 1
backoff = { initial = "50ms", jitter = 0 }
hooks = { after_exit = ["true"], on_fatal = ["true"] }

[reports.r]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
file = "reports/status.txt"

[alerts]
to = ["ops@example.com"]
file = "reports/alerts.txt"
min_interval = "1s"
`;
  await withSupd(config(''), { files: { 'app.env': `DB_PASSWORD=${fileSecret}\n` } }, async (supd) => {
    await supd.waitForState('app:0', 'running');
    await supd.waitForState('doomed:0', 'fatal');
    const env = readFileSync(`/proc/${(await supd.proc('app:0')).pid}/environ`, 'utf8');
    assert.ok(env.includes(secret) && env.includes(fileSecret), 'the child has both values');
    // A changed value (restart), an invalid one (refused reload), a TOML error on its line.
    supd.temp.write('app.env', `DB_PASSWORD=${fileSecret}-2\n`);
    assert.equal((await supd.cli('reload')).code, 0);
    supd.temp.write('daemons.toml', config(`args = ["x"]\n[programs.app.env]\nBAD = ["${secret}"]`));
    const refused = await supd.cli('reload');
    assert.equal(refused.code, 2);
    supd.temp.write('daemons.toml', config('').replace(`API_TOKEN = "${secret}" }`, `API_TOKEN = "${secret}" oops }`));
    const syntax = await supd.cli('reload');
    assert.equal(syntax.code, 2);
    const status = await supd.cli('status', '--json');
    const table = await supd.cli('status');
    const report = await supd.cli('report', 'r', '--send');
    assert.equal(report.code, 0, report.stderr);
    await waitFor(() => existsSync(path.join(supd.dir, 'reports', 'alerts.txt')), { timeoutMs: 10_000, what: 'the alert for doomed' });
    await supd.stop();
    const places: Record<string, string> = {
      'supd.log': supd.supdLog(),
      'supd output (stderr)': supd.output(),
      'status --json': status.stdout,
      status: table.stdout,
      'reload errors': refused.stdout + refused.stderr + syntax.stdout + syntax.stderr,
      'report (printed)': report.stdout,
      'report mail': readFileSync(path.join(supd.dir, 'reports', 'status.txt'), 'utf8'),
      'alert mail': readFileSync(path.join(supd.dir, 'reports', 'alerts.txt'), 'utf8'),
    };
    for (const [where, text] of Object.entries(places)) {
      assert.ok(text.length > 0, `${where} is empty`);
      assert.ok(!text.includes(secret) && !text.includes(fileSecret), `an env value in ${where}:\n${text}`);
    }
    reportFigures(t, { 'places searched for env values': Object.keys(places).length, 'bytes searched': Object.values(places).join('').length });
  });
});
