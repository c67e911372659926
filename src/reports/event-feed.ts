// Listens to the supervisor and turns its process events into ReportEvents (for reports and
// alerts) and respawns (for crash-loop detection). Reloads are told by the reporter, which
// knows what they changed in [reports] and [alerts] too.
import { formatSize } from '../config/units.js';
import type { SupervisorEmitter, SupervisorEvents } from '../supervisor/events.js';
import { describeCrash, type ReportEvent } from './report-event.js';

export interface FeedSink {
  event(event: ReportEvent): void;
  /** An automatic respawn after an exit supd did not ask for (backoff -> starting, running -> starting). */
  respawn(name: string, at: number): void;
}

export interface FeedSource {
  readonly events: SupervisorEmitter;
  now(): number;
  /** The success exit codes of a process's unit, or undefined once the process is gone. */
  successExitCodes(name: string): readonly number[] | undefined;
}

type Handlers = { [K in keyof SupervisorEvents]?: (...args: SupervisorEvents[K]) => void };

/** Subscribes; returns the function that unsubscribes. */
export function subscribeFeed(source: FeedSource, sink: FeedSink): () => void {
  // Processes told to stop: their next exit is asked for, not a crash.
  const stopping = new Set<string>();
  const healthy = new Map<string, boolean>();
  const handlers: Handlers = {
    'process:state': ({ name, from, to, reason }) => {
      if (to === 'stopping') stopping.add(name);
      if (to === 'fatal') sink.event({ at: source.now(), kind: 'fatal', name, detail: reason ?? 'gave up' });
      if (to === 'starting' && (from === 'backoff' || from === 'running')) sink.respawn(name, source.now());
    },
    'process:exit': (exit) => {
      const detail = describeCrash(exit, stopping.delete(exit.name), source.successExitCodes(exit.name) ?? [0]);
      if (detail !== null) sink.event({ at: source.now(), kind: 'crash', name: exit.name, detail });
    },
    'process:health': ({ name, healthy: isHealthy, reason }) => {
      const before = healthy.get(name);
      healthy.set(name, isHealthy);
      if (!isHealthy && before !== false) sink.event({ at: source.now(), kind: 'unhealthy', name, detail: reason ?? 'health check failed' });
    },
    'process:memory': ({ name, bytes, limitBytes }) => {
      sink.event({ at: source.now(), kind: 'memory', name, detail: `memory ${formatSize(bytes)} passed max_memory ${formatSize(limitBytes)}: restarted` });
    },
    'process:log-error': ({ name, message }) => {
      sink.event({ at: source.now(), kind: 'log_error', name, detail: message });
    },
    'process:removed': ({ name }) => {
      stopping.delete(name);
      healthy.delete(name);
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler matches its own key above
  const entries = Object.entries(handlers) as [keyof SupervisorEvents, (...args: any[]) => void][];
  for (const [name, handler] of entries) source.events.on(name, handler);
  return () => {
    for (const [name, handler] of entries) source.events.off(name, handler);
  };
}
