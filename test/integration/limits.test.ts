// limits, nice and oom_score_adj (SPEC section 7) as the running program has them: read back
// from /proc/<pid>/limits, /proc/<pid>/stat and /proc/<pid>/oom_score_adj of the pid supd reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseProcLimits, readHostLimits } from '../../src/config/host-limits.js';
import { runCli } from '../helpers/run-cli.js';
import { withTempDir } from '../helpers/temp.js';
import { withSupd } from '../helpers/supd.js';

const isRoot = process.getuid?.() === 0;

/** Field 19 of /proc/PID/stat: the nice value. */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('limits, nice and oom_score_adj are the program\'s own from its first instruction: /proc shows them for the pid supd reports', async () => {
  // Above supd's own hard limits only as root; lowered limits work for anyone.
  const nofile = isRoot ? '[1000, 2000]' : '[100, 200]';
  await withSupd(`
[programs.limited]
command = ["sleep", "1000"]
start_secs = "0"
limits = { nofile = ${nofile}, nproc = 500, core = "unlimited", stack = "4M", cpu = "1h", fsize = "1G" }
nice = 7
oom_score_adj = 300

[programs.plain]
command = ["sleep", "1000"]
start_secs = "0"
`, async (supd) => {
    const proc = await supd.waitForState('limited:0', 'running');
    const pid = proc.pid!;
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /^(\S*\/)?sleep\0/, 'the pid is the program itself (every helper exec\'d)');
    const limits = parseProcLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    assert.deepEqual(limits['Max open files'], isRoot ? { soft: 1000, hard: 2000 } : { soft: 100, hard: 200 });
    assert.deepEqual(limits['Max processes'], { soft: 500, hard: 500 });
    assert.deepEqual(limits['Max core file size'], { soft: null, hard: null });
    assert.deepEqual(limits['Max stack size'], { soft: 4 * 1024 * 1024, hard: 4 * 1024 * 1024 });
    assert.deepEqual(limits['Max cpu time'], { soft: 3600, hard: 3600 });
    assert.deepEqual(limits['Max file size'], { soft: 1024 ** 3, hard: 1024 ** 3 });
    assert.equal(niceOf(pid), 7);
    assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), '300');
    // A program without these keys has supd's own.
    const plain = (await supd.waitForState('plain:0', 'running')).pid!;
    const own = parseProcLimits(readFileSync(`/proc/${supd.child.pid}/limits`, 'utf8'));
    assert.deepEqual(parseProcLimits(readFileSync(`/proc/${plain}/limits`, 'utf8'))['Max open files'], own['Max open files']);
    assert.equal(niceOf(plain), niceOf(supd.child.pid!));
    assert.equal(readFileSync(`/proc/${plain}/oom_score_adj`, 'utf8'), readFileSync(`/proc/${supd.child.pid}/oom_score_adj`, 'utf8'));
  });
});

const host = readHostLimits();
const ownNofile = host.limits['Max open files']!;

test('with CAP_SYS_NICE: a negative nice, and the user switch comes after the limits are set', { skip: host.canRaisePriority && isRoot ? false : 'SKIP: needs root with CAP_SYS_NICE (CI runs as root)' }, async () => {
  await withSupd(`
[programs.urgent]
command = ["sleep", "1000"]
start_secs = "0"
user = "nobody"
limits = { nofile = [64, 128] }
nice = -5
`, async (supd) => {
    const pid = (await supd.waitForState('urgent:0', 'running')).pid!;
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65534\s/m);
    assert.deepEqual(parseProcLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'))['Max open files'], { soft: 64, hard: 128 });
    assert.equal(niceOf(pid), -5);
  });
});

test('with CAP_SYS_RESOURCE: nofile above supd\'s own hard limit and a negative oom_score_adj', { skip: host.canRaiseLimits ? false : 'SKIP: supd lacks CAP_SYS_RESOURCE here (this box drops it even for root); the next test shows the config error instead' }, async () => {
  const wanted = (ownNofile.hard ?? 1024) * 2;
  await withSupd(`
[programs.many]
command = ["sleep", "1000"]
start_secs = "0"
limits = { nofile = ${wanted} }
oom_score_adj = -500
`, async (supd) => {
    const pid = (await supd.waitForState('many:0', 'running')).pid!;
    assert.deepEqual(parseProcLimits(readFileSync(`/proc/${pid}/limits`, 'utf8'))['Max open files'], { soft: wanted, hard: wanted });
    assert.equal(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim(), '-500');
  });
});

test('without CAP_SYS_RESOURCE: nofile above supd\'s own hard limit is a located config error of supd check', { skip: host.canRaiseLimits ? 'SKIP: supd has CAP_SYS_RESOURCE here (root): the limit is allowed' : false }, async () => {
  await withTempDir(async (temp) => {
    const config = temp.write('daemons.toml', `[programs.many]\ncommand = ["sleep", "1000"]\nlimits = { nofile = ${(ownNofile.hard ?? 1024) + 1} }\n`);
    const result = await runCli(['check', '-c', config]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`daemons\\.toml: programs\\.many\\.limits\\.nofile: ${(ownNofile.hard ?? 1024) + 1} is above supd's own hard limit \\(${ownNofile.hard}\\); only root \\(CAP_SYS_RESOURCE\\) can raise it \\(line 3\\)`));
  });
});
