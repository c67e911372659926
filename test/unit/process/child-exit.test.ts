// The exit report of a started child (src/process/child-exit.ts): counted, not chained. It
// comes once, after the kernel's exit and the close of every read end supd opened, in any
// order; DRAIN_MAX_MS after the exit without them; after the afterExit tasks and holdExit.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { test } from 'node:test';
import { WrappedChild, type EndSink, type EndSource } from '../../../src/process/child-exit.js';
import { waitFor } from '../../helpers/wait-for.js';

/** The fork server's side of a child: one call when it ended. */
class FakeEnd implements EndSource {
  sink: EndSink | null = null;
  onEnd(sink: EndSink): void {
    this.sink = sink;
  }
  end(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.sink!.childEnded(code, signal);
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function child(source: FakeEnd | EventEmitter, own: Readable[]): { handle: WrappedChild; reports: Array<[number | null, string | null]> } {
  const [stdout, stderr] = [own[0] ?? new PassThrough(), own[1] ?? new PassThrough()];
  const handle = new WrappedChild(source, { pid: 4242, exe: '/bin/true', stdout, stderr, extra: new Map(), own });
  const reports: Array<[number | null, string | null]> = [];
  handle.onExit((code, signal) => reports.push([code, signal]));
  return { handle, reports };
}

/** Closes a read end as EOF does: its 'close' comes on a later tick. */
async function close(stream: Readable): Promise<void> {
  stream.destroy();
  await flush();
}

test('reported once, after the exit and the last read end closed (exit first)', async () => {
  const source = new FakeEnd();
  const own = [new PassThrough(), new PassThrough()];
  const { handle, reports } = child(source, own);
  source.end(3);
  assert.equal(handle.exited, true);
  assert.deepEqual(reports, [], 'both read ends still open');
  await close(own[1]!);
  assert.deepEqual(reports, [], 'stdout still open');
  await close(own[0]!);
  assert.deepEqual(reports, [[3, null]]);
  await flush();
  assert.equal(reports.length, 1);
});

test('reported once, when the exit comes after the read ends closed', async () => {
  const source = new FakeEnd();
  const own = [new PassThrough(), new PassThrough()];
  const { handle, reports } = child(source, own);
  await close(own[0]!);
  await close(own[1]!);
  assert.equal(handle.exited, false);
  assert.deepEqual(reports, []);
  source.end(null, 'SIGTERM');
  assert.deepEqual(reports, [[null, 'SIGTERM']]);
});

test("Node's child: 'exit' then 'close' (its own pipes), and the read ends in between", async () => {
  const source = new EventEmitter();
  const own = [new PassThrough()];
  const { reports } = child(source, own);
  source.emit('exit', 0, null);
  source.emit('error', new Error('ignored, not thrown'));
  await close(own[0]!);
  assert.deepEqual(reports, [], "Node's pipes not closed yet");
  source.emit('close', 0, null);
  assert.deepEqual(reports, [[0, null]]);
});

test('a read end held open (a grandchild) delays the report by DRAIN_MAX_MS at most', async () => {
  const source = new FakeEnd();
  const own = [new PassThrough()];
  const { reports } = child(source, own);
  source.end(1);
  assert.deepEqual(reports, []);
  await waitFor(() => reports.length === 1, { timeoutMs: 2000, what: 'the report without the drain' });
  assert.deepEqual(reports, [[1, null]]);
  await close(own[0]!);
  assert.equal(reports.length, 1, 'the late close reports nothing more');
});

test('afterExit runs at the exit, before the drain; the report waits for it and for holdExit', async () => {
  const source = new FakeEnd();
  const own = [new PassThrough()];
  const handle = new WrappedChild(source, { pid: 1, exe: '/bin/true', stdout: own[0]!, stderr: new PassThrough(), extra: new Map(), own });
  const steps: string[] = [];
  let finishTask = (): void => undefined;
  handle.afterExit(() => {
    steps.push('task');
    return new Promise<void>((resolve) => (finishTask = resolve));
  });
  handle.afterExit(() => {
    throw new Error('a failed task must not lose the exit');
  });
  handle.holdExit(async () => void steps.push('hold'));
  handle.onExit((code) => steps.push(`exit ${code}`));
  source.end(0);
  assert.deepEqual(steps, ['task']);
  await close(own[0]!);
  assert.deepEqual(steps, ['task', 'hold'], 'the task has not settled');
  finishTask();
  await waitFor(() => steps.length === 3, { timeoutMs: 2000 });
  assert.deepEqual(steps, ['task', 'hold', 'exit 0']);
});

test('afterExit after the exit (a helper answer and its exit read together): the task runs at once and the report waits for it', async () => {
  const source = new FakeEnd();
  const handle = new WrappedChild(source, { pid: 3, exe: '/bin/true', stdout: new PassThrough(), stderr: new PassThrough(), extra: new Map(), own: [] });
  source.end(0);
  const steps: string[] = [];
  let finishTask = (): void => undefined;
  handle.afterExit(() => {
    steps.push('task');
    return new Promise<void>((resolve) => (finishTask = resolve));
  });
  handle.onExit((code) => steps.push(`exit ${code}`));
  assert.deepEqual(steps, ['task'], 'run at once, the exit not reported before it settles');
  finishTask();
  await waitFor(() => steps.length === 2, { timeoutMs: 2000 });
  assert.deepEqual(steps, ['task', 'exit 0']);
});

test('a listener set after everything happened hears of it at once; no read end: the exit alone', () => {
  const source = new FakeEnd();
  const handle = new WrappedChild(source, { pid: 2, exe: '/bin/true', stdout: new PassThrough(), stderr: new PassThrough(), extra: new Map(), own: [] });
  source.end(7);
  const reports: Array<number | null> = [];
  handle.onExit((code) => reports.push(code));
  assert.deepEqual(reports, [7]);
});
