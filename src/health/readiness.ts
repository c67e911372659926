// Knowing when a process is really up (SPEC key `ready`): a listening socket of its own (read
// from /proc, no connection), an HTTP 2xx, a line of output matching a pattern, or a line on
// a notification fd (s6's notification-fd). Until
// then the process stays `starting`; past `timeout` it counts as a failed start.
import type { Readable } from 'node:stream';
import type { ReadySpec } from '../config/types.js';
import type { ChildHandle } from '../process/spawner.js';
import { probeHttp, probeTcpListener } from './checks.js';

export interface ReadinessCallbacks {
  ready(): void;
  /** With the last probe's failure, when there was one (`tcp ...: nothing listens there`). */
  timedOut(lastFailure: string | null): void;
  /** The copy's processes, main pid first (ready.tcp looks for its listener among them). */
  members(): readonly number[];
}

/** Starts watching for readiness; returns a function that stops watching. */
export function watchReadiness(spec: ReadySpec, child: ChildHandle, callbacks: ReadinessCallbacks): () => void {
  let done = false;
  let lastFailure: string | null = null;
  const cleanups: Array<() => void> = [];
  const finish = (outcome: 'ready' | 'timedOut'): void => {
    if (done) return;
    done = true;
    for (const cleanup of cleanups) cleanup();
    if (outcome === 'ready') callbacks.ready();
    else callbacks.timedOut(lastFailure);
  };
  // At the deadline a tcp wait looks once more, thoroughly: ready after all, or who holds the port.
  const deadline = setTimeout(() => {
    if (spec.kind !== 'tcp') return finish('timedOut');
    void probeTcpListener(String(spec.target), callbacks.members, true).then((failure) => {
      lastFailure = failure;
      finish(failure === null ? 'ready' : 'timedOut');
    });
  }, spec.timeoutMs);
  cleanups.push(() => clearTimeout(deadline));
  if (spec.kind === 'tcp' || spec.kind === 'http') {
    const probe = spec.kind === 'tcp'
      ? () => probeTcpListener(String(spec.target), callbacks.members)
      : () => probeHttp(String(spec.target), Math.max(100, Math.min(spec.intervalMs * 4, 2000)));
    cleanups.push(pollProbe(probe, spec.intervalMs, (failure) => (lastFailure = failure), () => finish('ready')));
  }
  else if (spec.kind === 'log') {
    const pattern = new RegExp(String(spec.target));
    cleanups.push(...[child.stdout, child.stderr].map((s) => watchLines(s, (line) => pattern.test(line), () => finish('ready'))));
  }
  else {
    const pipe = child.extra.get(Number(spec.target));
    if (pipe !== undefined) cleanups.push(watchLines(pipe, () => true, () => finish('ready')));
  }
  return () => {
    done = true;
    for (const cleanup of cleanups) cleanup();
  };
}

function pollProbe(probe: () => Promise<string | null>, intervalMs: number, failed: (why: string) => void, onReady: () => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const attempt = async (): Promise<void> => {
    const failure = await probe();
    if (stopped) return;
    if (failure === null) return onReady();
    failed(failure);
    timer = setTimeout(() => void attempt(), intervalMs);
  };
  void attempt();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}

// Lines of a stream until one matches; the listener goes once the process is ready.
function watchLines(stream: Readable, matches: (line: string) => boolean, onMatch: () => void): () => void {
  let partial = '';
  const onData = (chunk: Buffer | string): void => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = (lines.pop() ?? '').slice(-4096);
    if (lines.some((line) => matches(line.replace(/\r$/, '')))) onMatch();
  };
  stream.on('data', onData);
  return () => stream.off('data', onData);
}
