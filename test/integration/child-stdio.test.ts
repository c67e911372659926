// Issue 12, bugs 7 and 9: a child's fds 1 and 2 are pipes (FIFOs), never sockets, so
// /dev/stdout opens; a child gets exactly 0, 1, 2 and what the config asks for; nothing supd's
// parent left open reaches supd, the guardian or a child.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pickFifoDir } from '../../src/process/fifo-dir.js';
import { listProcs } from '../helpers/procfs.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;
const hasPerl = spawnSync('perl', ['-e', '1']).status === 0;
const PIPE_BYTES = 256 * 1024;

/** F_GETPIPE_SZ of a pipe, by perl (Node has no fcntl). */
function pipeSize(file: string): number {
  return Number(execFileSync('perl', ['-MFcntl', '-e', 'sysopen(my $f, $ARGV[0], O_WRONLY|O_NONBLOCK) or die "$!"; print fcntl($f, 1032, 0) + 0', file]).toString());
}

const fdsOf = (pid: number): string[] => readdirSync(`/proc/${pid}/fd`).sort((a, b) => Number(a) - Number(b));
const logOf = (dir: string, file: string): string => {
  const full = path.join(dir, 'logs', file);
  return existsSync(full) ? readFileSync(full, 'utf8') : '';
};
const waitForLog = (dir: string, file: string, text: string): Promise<string> =>
  waitFor(() => (logOf(dir, file).includes(text) ? logOf(dir, file) : null), { what: `${JSON.stringify(text)} in ${file} (has ${JSON.stringify(logOf(dir, file))})` });

describe('a child\'s stdout and stderr', () => {
  test('are pipes: /dev/stdout and /proc/self/fd/2 open by path, their lines reach the log files', async () => {
    await withSupd(`
[programs.paths]
command = ["sh", "-c", "echo hi > /dev/stdout; echo err > /proc/self/fd/2; exec sleep 1000"]
`, async (supd) => {
      const { pid } = await supd.waitForState('paths:0', 'running');
      await waitForLog(supd.dir, 'paths-0.out.log', 'hi\n');
      await waitForLog(supd.dir, 'paths-0.err.log', 'err\n');
      for (const fd of [1, 2]) {
        assert.ok(statSync(`/proc/${pid}/fd/${fd}`).isFIFO(), `fd ${fd} is a pipe`);
        assert.doesNotMatch(readlinkSync(`/proc/${pid}/fd/${fd}`), /^socket:/);
      }
      assert.notEqual(statSync(`/proc/${pid}/fd/1`).ino, statSync(`/proc/${pid}/fd/2`).ino, 'stdout and stderr are two pipes');
      assert.deepEqual(fdsOf(pid!), ['0', '1', '2']);
      // Grown to 256 KiB a moment after the spawn (a 64 KiB pipe costs supd more CPU per byte).
      if (isRoot && hasPerl) await waitFor(() => (pipeSize(`/proc/${pid}/fd/1`) === PIPE_BYTES ? true : null), { what: 'fd 1 grown to 256 KiB' });
      const fifoDir = pickFifoDir(path.join(supd.dir, '.supd'));
      const strays = readdirSync(fifoDir).filter((f) => f !== '.state-dir' && !(/^\d+-\d+$/.test(f) && statSync(path.join(fifoDir, f)).isFIFO()));
      assert.deepEqual(strays, [], 'only spare FIFOs in the FIFO dir');
    });
  });

  test('stderr = "merge": fd 2 is fd 1\'s pipe, lines in the order written', async () => {
    await withSupd(`
[programs.both]
command = ["sh", "-c", "echo one; echo two > /dev/stderr; echo three; exec sleep 1000"]
stderr = "merge"
`, async (supd) => {
      const { pid } = await supd.waitForState('both:0', 'running');
      assert.equal(await waitForLog(supd.dir, 'both-0.out.log', 'three\n'), 'one\ntwo\nthree\n');
      assert.ok(statSync(`/proc/${pid}/fd/2`).isFIFO());
      assert.equal(statSync(`/proc/${pid}/fd/1`).ino, statSync(`/proc/${pid}/fd/2`).ino, 'one pipe');
      assert.equal(readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'sleep', 'no shell between supd and the program');
    });
  });

  test('as another user, the child opens /dev/stdout: its pipes are its own', { skip: isRoot ? false : 'SKIP: user switching needs supd to run as root (CI runs as root)' }, async () => {
    await withSupd(`
[programs.www]
command = ["sh", "-c", "echo uid=$(id -u) > /dev/stdout; echo err > /proc/self/fd/2; exec sleep 1000"]
user = "nobody"
`, async (supd) => {
      await supd.waitForState('www:0', 'running');
      assert.equal(await waitForLog(supd.dir, 'www-0.out.log', 'uid='), 'uid=65534\n');
      await waitForLog(supd.dir, 'www-0.err.log', 'err\n');
      assert.doesNotMatch(supd.supdLog(), /socketpairs/);
    });
  });

  test('ready.fd is a pipe too, and the child holds exactly fds 0-3', async () => {
    await withSupd(`
[programs.notify]
command = ["sh", "-c", "echo READY=1 > /proc/self/fd/3; exec sleep 1000"]
ready = { fd = 3 }
`, async (supd) => {
      const { pid } = await supd.waitForState('notify:0', 'running');
      assert.ok(statSync(`/proc/${pid}/fd/3`).isFIFO());
      assert.deepEqual(fdsOf(pid!), ['0', '1', '2', '3']);
    });
  });

  test('the exit is reported once all it wrote is in the file; a grandchild holding the pipe does not hold the exit back', async () => {
    await withSupd(`
[programs.burst]
command = ["sh", "-c", "seq 1 100000; echo last"]
restart = "never"
[programs.leaver]
command = ["sh", "-c", "sleep 1000 & echo bye; exit 3"]
restart = "never"
`, async (supd) => {
      // Once seen to time out in a full CI run (not reproduced since): then say what supd said.
      await supd.waitForState('burst:0', 'exited').catch((error: Error) => {
        throw new Error(`${error.message}\n--- supd.log, last lines ---\n${supd.supdLog().trimEnd().split('\n').slice(-20).join('\n')}\n--- ${logOf(supd.dir, 'burst-0.out.log').length} bytes in burst-0.out.log`);
      });
      const text = logOf(supd.dir, 'burst-0.out.log');
      assert.ok(text.endsWith('100000\nlast\n'), `the whole output is written by the time the exit shows (${text.length} bytes)`);
      const leaver = await supd.waitForState('leaver:0', (p) => p.state === 'exited' || p.state === 'fatal', 5000);
      assert.notEqual(leaver.state, 'running');
      assert.equal(logOf(supd.dir, 'leaver-0.out.log'), 'bye\n');
    });
  });

  test('respawns get fresh pipes; no FIFO is left after shutdown, and spare ones of a killed supd are swept', async () => {
    const config = `
[programs.again]
command = ["sh", "-c", "echo run > /dev/stdout; sleep 0.2; exit 1"]
backoff = { initial = "100ms", max = "200ms" }
max_restarts = 100
`;
    await withSupd(config, async (first) => {
      await waitFor(() => (logOf(first.dir, 'again-0.out.log').split('\n').length > 4 ? true : null), { what: 'three runs logged' });
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const stdioDir = pickFifoDir(path.join(first.dir, '.supd'));
      const leftBehind = readdirSync(stdioDir).filter((f) => f !== '.state-dir');
      assert.ok(leftBehind.length > 0, 'a killed supd leaves its spare FIFOs');
      await withSupd(config, { reuse: first.temp, keepDir: true }, async (second) => {
        await waitFor(() => (readdirSync(stdioDir).some((f) => leftBehind.includes(f)) ? null : true), { what: 'the old FIFOs to be swept' });
        const before = logOf(first.dir, 'again-0.out.log').length;
        await waitFor(() => (logOf(first.dir, 'again-0.out.log').length > before + 8 ? true : null), { what: 'more runs logged by the second supd' });
        assert.equal(await second.stop(), 0);
        assert.equal(existsSync(stdioDir), false, 'no FIFO left after shutdown');
      });
    });
  });
});

describe('inherited file descriptors', () => {
  test('supd closes what its parent left open (fd 5, fd 40): neither it, the guardian nor a child holds them', async () => {
    const extra: Array<'ignore' | 'pipe'> = Array.from({ length: 38 }, (_, i) => (i + 3 === 5 || i + 3 === 40 ? 'pipe' : 'ignore'));
    await withSupd(`
[programs.plain]
command = ["sleep", "1000"]
[programs.notify]
command = ["sh", "-c", "echo READY=1 >&3; exec sleep 1000"]
ready = { fd = 3 }
`, { extraStdio: extra }, async (supd) => {
      // Each is one end of a socketpair whose other end only supd was given: EOF once nobody holds it.
      await Promise.all(
        [5, 40].map((fd) => {
          const end = supd.child.stdio[fd] as Socket;
          end.resume();
          return waitFor(() => (end.readableEnded ? true : null), { what: `EOF on the parent's end of fd ${fd}` });
        }),
      );
      const closed = /closed \d+ file descriptor\(s\) inherited from the parent: (.*)/.exec(supd.supdLog())?.[1] ?? '';
      for (const fd of [5, 40]) assert.match(closed, new RegExp(`(^|, )${fd} \\(socket:`), `supd.log names fd ${fd}`);
      const plain = await supd.waitForState('plain:0', 'running');
      const notify = await supd.waitForState('notify:0', 'running');
      assert.deepEqual(fdsOf(plain.pid!), ['0', '1', '2']);
      assert.deepEqual(fdsOf(notify.pid!), ['0', '1', '2', '3']);
      const guardian = listProcs().find((p) => p.ppid === supd.child.pid && p.comm === 'awk');
      assert.ok(guardian !== undefined, 'the guardian runs');
      assert.deepEqual(fdsOf(guardian.pid), ['0', '1', '2']);
    });
  });
});
