// Knowing when a process is really up (SPEC key `ready`): a TCP connect, an HTTP 2xx, a line
// of output matching a pattern, or a line on a notification fd (s6's notification-fd). Until
// then the process stays `starting`; past `timeout` it counts as a failed start.
import type { Readable } from 'node:stream';
import type { ReadySpec } from '../config/types.js';
import type { ChildHandle } from '../process/spawner.js';
import { probeHttp, probeTcp } from './checks.js';

export interface ReadinessCallbacks {
  ready(): void;
  timedOut(): void;
}

/** Starts watching for readiness; returns a function that stops watching. */
export function watchReadiness(spec: ReadySpec, child: ChildHandle, callbacks: ReadinessCallbacks): () => void {
  let done = false;
  const cleanups: Array<() => void> = [];
  const finish = (outcome: 'ready' | 'timedOut'): void => {
    if (done) return;
    done = true;
    for (const cleanup of cleanups) cleanup();
    callbacks[outcome]();
  };
  const deadline = setTimeout(() => finish('timedOut'), spec.timeoutMs);
  cleanups.push(() => clearTimeout(deadline));
  if (spec.kind === 'tcp' || spec.kind === 'http') cleanups.push(pollProbe(spec, () => finish('ready')));
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

function pollProbe(spec: ReadySpec, onReady: () => void): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const attempt = async (): Promise<void> => {
    const timeout = Math.max(100, Math.min(spec.intervalMs * 4, 2000));
    const failure = spec.kind === 'tcp' ? await probeTcp(String(spec.target), timeout) : await probeHttp(String(spec.target), timeout);
    if (stopped) return;
    if (failure === null) onReady();
    else timer = setTimeout(() => void attempt(), spec.intervalMs);
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
