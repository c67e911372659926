// A client that sends requests without pause (each on a new connection) until stopped, or until
// its count or time bound: what a rolling restart under load is measured with.
import { getOnce, type Answer } from './held-sockets.js';

export interface LoadReport {
  readonly sent: number;
  readonly failed: readonly string[];
  readonly non2xx: number;
  readonly notReady: number;
  readonly pids: ReadonlySet<number>;
  readonly versions: ReadonlySet<string | null>;
  /** The slowest answer, in ms (a request queued in the backlog while no copy accepted shows here). */
  readonly slowestMs: number;
}

export interface LoadClient {
  stop(): Promise<LoadReport>;
}

export function startLoad(port: number, options: { concurrency: number; maxRequests: number; maxMs: number }): LoadClient {
  let stopped = false;
  let sent = 0;
  const failed: string[] = [];
  let non2xx = 0;
  let notReady = 0;
  const pids = new Set<number>();
  const versions = new Set<string | null>();
  const deadline = Date.now() + options.maxMs;
  let slowestMs = 0;
  const record = (answer: Answer): void => {
    if (answer.status < 200 || answer.status > 299) non2xx++;
    if (!answer.body.ready) notReady++;
    pids.add(answer.body.pid);
    versions.add(answer.body.version);
  };
  const loop = async (): Promise<void> => {
    while (!stopped && sent < options.maxRequests && Date.now() < deadline) {
      sent++;
      const started = Date.now();
      try {
        record(await getOnce({ port }, 10_000));
        slowestMs = Math.max(slowestMs, Date.now() - started);
      } catch (error) {
        failed.push(`${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message}`);
      }
    }
  };
  const loops = Promise.all(Array.from({ length: options.concurrency }, loop));
  return {
    async stop() {
      stopped = true;
      await loops;
      return { sent, failed, non2xx, notReady, pids, versions, slowestMs };
    },
  };
}
