// limits, nice, oom_score_adj, essential and console outputs as written -> normalized; what the
// host does not allow is a located error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostLimits } from '../../../src/config/host-limits.js';
import { parseProcLimits } from '../../../src/config/host-limits.js';
import { parse, problemsOf, unitOf, web } from '../../helpers/config.js';

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max file size             unlimited            unlimited            bytes
Max stack size            8388608              unlimited            bytes
Max core file size        0                    unlimited            bytes
Max processes             63397                63397                processes
Max open files            1024                 4096                 files
Max locked memory         8388608              8388608              bytes
Max address space         unlimited            unlimited            bytes
Max nice priority         0                    0
`;
const user: HostLimits = { canRaiseLimits: false, canRaisePriority: false, limits: parseProcLimits(PROC_LIMITS), nrOpen: 1048576, nice: 0, oomScoreAdj: 0 };
const root: HostLimits = { ...user, canRaiseLimits: true, canRaisePriority: true };

test('limits: counts, sizes in bytes, cpu in whole seconds, "unlimited" as null, [soft, hard]', () => {
  const unit = unitOf(parse(web('limits = { nofile = 4096, nproc = [100, 200], core = "unlimited", memlock = "64M", stack = "8M", cpu = "1h", fsize = "1G", as = ["2G", "unlimited"] }'), { hostLimits: root }), 'web');
  assert.deepEqual(unit.limits, {
    nofile: { soft: 4096, hard: 4096 },
    nproc: { soft: 100, hard: 200 },
    core: { soft: null, hard: null },
    memlock: { soft: 64 * 1024 ** 2, hard: 64 * 1024 ** 2 },
    stack: { soft: 8 * 1024 ** 2, hard: 8 * 1024 ** 2 },
    cpu: { soft: 3600, hard: 3600 },
    fsize: { soft: 1024 ** 3, hard: 1024 ** 3 },
    as: { soft: 2 * 1024 ** 3, hard: null },
  });
});

test('limits: a soft limit above the hard one, a wrong unit and an unknown limit are located errors', () => {
  assert.deepEqual(problemsOf(web('limits = { nofile = [200, 100] }'), { hostLimits: root }), ['programs.web.limits.nofile: the soft limit (200) is above the hard limit (100)']);
  assert.equal(problemsOf(web('limits = { nofile = "1G" }'), { hostLimits: root }).length, 1);
  assert.match(problemsOf(web('limits = { files = 10 }'), { hostLimits: root })[0]!, /^programs\.web\.limits/);
});

test('limits above supd\'s own hard limit are a located error without CAP_SYS_RESOURCE, allowed with it (up to fs.nr_open)', () => {
  assert.deepEqual(problemsOf(web('limits = { nofile = 8192, nproc = 100 }'), { hostLimits: user }), [
    "programs.web.limits.nofile: 8192 is above supd's own hard limit (4096); only root (CAP_SYS_RESOURCE) can raise it",
  ]);
  assert.deepEqual(problemsOf(web('limits = { memlock = "unlimited" }'), { hostLimits: user }), [
    "programs.web.limits.memlock: unlimited is above supd's own hard limit (8388608); only root (CAP_SYS_RESOURCE) can raise it",
  ]);
  assert.equal(unitOf(parse(web('limits = { nofile = 8192 }'), { hostLimits: root }), 'web').limits?.nofile?.hard, 8192);
  assert.deepEqual(problemsOf(web('limits = { nofile = 2000000 }'), { hostLimits: root }), ["programs.web.limits.nofile: 2000000 is above the kernel's fs.nr_open (1048576)"]);
  // Lowering is always allowed.
  assert.equal(unitOf(parse(web('limits = { nofile = [512, 1024] }'), { hostLimits: user }), 'web').limits?.nofile?.soft, 512);
});

test('nice and oom_score_adj: ranges from the schema; raising priority needs CAP_SYS_NICE, lowering oom_score_adj CAP_SYS_RESOURCE', () => {
  assert.equal(problemsOf(web('nice = 20'), { hostLimits: root }).length, 1);
  assert.equal(problemsOf(web('oom_score_adj = -1001'), { hostLimits: root }).length, 1);
  const unit = unitOf(parse(web('nice = 5\noom_score_adj = 500'), { hostLimits: user }), 'web');
  assert.deepEqual([unit.nice, unit.oomScoreAdj], [5, 500]);
  assert.deepEqual(problemsOf(web('nice = -5\noom_score_adj = -100'), { hostLimits: user }), [
    "programs.web.nice: -5 is a higher priority than supd may give (its own is 0); only root (CAP_SYS_NICE) can",
    "programs.web.oom_score_adj: -100 is below supd's own (0); only root (CAP_SYS_RESOURCE) can lower it",
  ]);
  assert.equal(unitOf(parse(web('nice = -5\noom_score_adj = -100'), { hostLimits: root }), 'web').nice, -5);
});

test('console: "console" keeps no file; { console = true } keeps the file too; [defaults] passes it on', () => {
  const config = parse(`
[defaults]
stdout = "console"
[programs.web]
command = "node web.js"
stderr = { console = true, file = "web.err" }
[programs.worker]
command = "node worker.js"
stderr = "merge"
`);
  const web1 = unitOf(config, 'web');
  assert.equal(web1.stdout, null);
  assert.deepEqual(web1.console, { stdout: true, stderr: true });
  assert.equal((web1.stderr as { file: string }).file, '/abs/dir/web.err');
  const worker = unitOf(config, 'worker');
  assert.deepEqual([worker.stdout, worker.stderr, worker.console], [null, 'merge', { stdout: true, stderr: false }]);
  assert.equal(problemsOf(web('stdout = "consoles"')).length, 1);
});

test('essential defaults to false; [supervisor] log_format is text or json', () => {
  assert.equal(unitOf(parse(web('essential = true')), 'web').essential, true);
  assert.equal(parse(web('', '[supervisor]\nlog_format = "json"')).supervisor.logFormat, 'json');
  assert.equal(problemsOf(web('', '[supervisor]\nlog_format = "xml"')).length, 1);
});
