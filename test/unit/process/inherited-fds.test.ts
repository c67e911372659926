// closeInheritedFds in a real Node process: what its parent left open goes (a low fd, which Node
// itself marks close-on-exec, and one after a gap, which it does not); Node's own stay usable.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../helpers/paths.js';

const MODULE = path.join(ROOT, 'dist', 'src', 'process', 'inherited-fds.js');
const SCRIPT = `
import { closeInheritedFds } from ${JSON.stringify(MODULE)};
import { execFileSync } from 'node:child_process';
const gone = closeInheritedFds();
const closed = gone.map((f) => f.fd);
const targets = gone.map((f) => f.target);
// Node still works: timers, a child process, the event loop.
await new Promise((resolve) => setTimeout(resolve, 10));
const echoed = execFileSync('sh', ['-c', 'echo ok']).toString().trim();
const inspectorLoaded = process.moduleLoadList.includes('NativeModule inspector');
console.log(JSON.stringify({ closed, targets, echoed, inspectorLoaded }));
`;

// With the inspector listening, its socket stays open (and a socket from the parent still goes).
const INSPECTED = `
import { closeInheritedFds } from ${JSON.stringify(MODULE)};
const closed = closeInheritedFds().map((f) => f.fd);
const { port } = new URL((await import('node:inspector')).url());
const answer = await fetch(\`http://127.0.0.1:\${port}/json/version\`);
console.log(JSON.stringify({ closed, inspectorAnswers: answer.ok }));
`;

async function runScript(args: readonly string[], stdio: ReadonlyArray<'ignore' | 'pipe'>): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [...args], { stdio: [...stdio] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  stdio.forEach((kind, fd) => fd > 2 && kind === 'pipe' && (child.stdio[fd] as Socket).resume());
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, out, err };
}

test('closes a low inherited fd (close-on-exec by Node) and a gapped one (not); Node keeps running', async () => {
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe', ...Array.from({ length: 28 }, (_, i): 'ignore' | 'pipe' => (i + 3 === 5 || i + 3 === 30 ? 'pipe' : 'ignore'))];
  const { code, out, err } = await runScript(['--input-type=module', '-e', SCRIPT], stdio);
  assert.equal(code, 0, err);
  const result = JSON.parse(out) as { closed: number[]; targets: string[]; echoed: string };
  assert.deepEqual(result.targets.filter((t) => t.startsWith('anon_inode:')), [], 'none of Node\'s own epoll, eventfd or io_uring instances');
  assert.ok(result.closed.includes(5), `fd 5 closed (closed: ${result.closed})`);
  assert.ok(result.closed.includes(30), `fd 30 closed (closed: ${result.closed})`);
  assert.equal(result.echoed, 'ok');
});

test('with no socket above fd 2, node:inspector is not even loaded', async () => {
  const { code, out, err } = await runScript(['--input-type=module', '-e', SCRIPT], ['ignore', 'pipe', 'pipe']);
  assert.equal(code, 0, err);
  assert.equal((JSON.parse(out) as { inspectorLoaded: boolean }).inspectorLoaded, false);
});

// (A parent's socket among Node's close-on-exec fds, 3-15, looks like the inspector's then: kept.)
test("--inspect: the inspector's listening socket stays open, a socket from the parent after a gap is closed", async () => {
  const stdio = ['ignore', 'pipe', 'pipe', ...Array.from({ length: 28 }, (_, i): 'ignore' | 'pipe' => (i + 3 === 30 ? 'pipe' : 'ignore'))] as const;
  const { code, out, err } = await runScript(['--inspect=127.0.0.1:0', '--input-type=module', '-e', INSPECTED], stdio);
  assert.equal(code, 0, err);
  const result = JSON.parse(out) as { closed: number[]; inspectorAnswers: boolean };
  assert.ok(result.closed.includes(30), `fd 30 closed (closed: ${result.closed})`);
  assert.equal(result.inspectorAnswers, true);
});
