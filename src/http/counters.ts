// The counters of /metrics (SPEC section 9), kept from supervisor events so that they never go
// back: restarts by reason, exits by outcome, scheduled runs, reloads, reports sent. Gauges are
// not kept here: they come from one status snapshot per scrape (metrics.ts).
import type { RestartReason, SupervisorEmitter } from '../supervisor/events.js';
import type { ProcessState } from '../process/states.js';

/** Why a process started again: RestartReason, or a respawn after an exit (`crash`, or `exit` after a success exit), or a scheduled run. */
export type StartReason = RestartReason | 'crash' | 'exit' | 'schedule';
/** How a process ended: a success exit code, another code, a signal nobody asked for, or stopped by supd. */
export type ExitOutcome = 'success' | 'failure' | 'signal' | 'stopped';

/** What the counters need to know of a process at the moment of an event. */
export interface CounterLookups {
  stateOf(name: string): ProcessState | undefined;
  successExitCodes(name: string): readonly number[] | undefined;
  isScheduled(name: string): boolean;
  programOf(name: string): string | undefined;
}

/** A counter family: label values joined by NUL -> count. */
export type CounterMap = Map<string, number>;

export class MetricCounters {
  /** process NUL reason */
  readonly restarts: CounterMap = new Map();
  /** process NUL outcome */
  readonly exits: CounterMap = new Map();
  /** program NUL result */
  readonly scheduledRuns: CounterMap = new Map();
  /** result (success | failure) */
  readonly reloads: CounterMap = new Map();
  /** name NUL result */
  readonly reportsSent: CounterMap = new Map();
  lastReloadOk = true;
  private readonly started = new Set<string>();
  private readonly pending = new Map<string, StartReason>();
  private readonly unsubscribe: () => void;

  constructor(events: SupervisorEmitter, private readonly lookups: CounterLookups) {
    const onRestart = ({ name, reason }: { name: string; reason: RestartReason }): void => void this.pending.set(name, reason);
    const onState = ({ name, from, to }: { name: string; from: ProcessState; to: ProcessState }): void => this.onState(name, from, to);
    const onExit = (e: { name: string; code: number | null; signal: NodeJS.Signals | null }): void => this.onExit(e.name, e.code, e.signal);
    events.on('process:restart', onRestart);
    events.on('process:state', onState);
    events.on('process:exit', onExit);
    this.unsubscribe = () => {
      events.off('process:restart', onRestart);
      events.off('process:state', onState);
      events.off('process:exit', onExit);
    };
  }

  /** A reload from the file (SIGHUP, `supd reload`, the dashboard): applied or refused. */
  noteReload(ok: boolean): void {
    this.lastReloadOk = ok;
    bump(this.reloads, ok ? 'success' : 'failure');
  }

  /** A try to send a report (`report daily`) or alert (`alert`). */
  noteSendTry(label: string, ok: boolean): void {
    const name = label.startsWith('report ') ? label.slice('report '.length) : 'alerts';
    bump(this.reportsSent, key(name, ok ? 'success' : 'failure'));
  }

  close(): void {
    this.unsubscribe();
  }

  // Every start after the first counts as a restart (SPEC section 4), with the reason asked
  // for, else as seen from where it came: a stopped process was started by a command, a
  // waiting one by its schedule, any other by a respawn after its exit.
  private onState(name: string, from: ProcessState, to: ProcessState): void {
    if (to !== 'starting' || from === 'starting') return;
    const asked = this.pending.get(name);
    this.pending.delete(name);
    if (!this.started.has(name)) return void this.started.add(name);
    bump(this.restarts, key(name, asked ?? this.inferReason(name, from)));
  }

  private readonly lastExitOk = new Map<string, boolean>();

  private inferReason(name: string, from: ProcessState): StartReason {
    if (from === 'waiting') return 'schedule';
    if (from === 'stopped' || from === 'exited' || from === 'fatal') return 'command';
    return this.lastExitOk.get(name) === true ? 'exit' : 'crash';
  }

  private onExit(name: string, code: number | null, signal: NodeJS.Signals | null): void {
    const success = code !== null && (this.lookups.successExitCodes(name) ?? [0]).includes(code);
    const stopping = this.lookups.stateOf(name) === 'stopping';
    const outcome: ExitOutcome = stopping ? 'stopped' : success ? 'success' : signal !== null ? 'signal' : 'failure';
    this.lastExitOk.set(name, success);
    bump(this.exits, key(name, outcome));
    const program = this.lookups.programOf(name);
    if (this.lookups.isScheduled(name) && program !== undefined) bump(this.scheduledRuns, key(program, success ? 'success' : 'failure'));
  }
}

export function key(...parts: string[]): string {
  return parts.join('\0');
}

function bump(map: CounterMap, k: string): void {
  map.set(k, (map.get(k) ?? 0) + 1);
}
