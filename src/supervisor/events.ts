// The supervisor's typed events: logs, reports, watchers and waiting commands subscribe here.
import { EventEmitter } from 'node:events';
import type { ProcessState } from '../process/states.js';

export interface SupervisorEvents {
  'process:state': [{ name: string; from: ProcessState; to: ProcessState; reason: string | null }];
  'process:spawn': [{ name: string; pid: number }];
  'process:exit': [{ name: string; pid: number; code: number | null; signal: NodeJS.Signals | null; uptimeMs: number }];
  /** A new process (config, reload, scale, a rolling restart's surge copy): not started yet. */
  'process:added': [{ name: string }];
  'process:removed': [{ name: string }];
  /** Its log settings changed (reload): new files, the running child's pipes moved over. */
  'process:output-changed': [{ name: string }];
  'process:health': [{ name: string; healthy: boolean; reason: string | null }];
  /** `bytes`: the tree's PSS (its RSS where PSS cannot be read). */
  'process:memory': [{ name: string; bytes: number; limitBytes: number }];
  /** A log file of the process cannot be opened, written or rotated: its output is being lost. */
  'process:log-error': [{ name: string; message: string }];
  /** `live`: the units whose change applies to their running copies without a restart (health, max_memory...). */
  'config:reloaded': [{ lines: readonly string[]; live: readonly string[] }];
  /** Shutdown: every process was asked to stop and the graceful stop is over; health checks and schedules end. */
  'shutdown:stopped': [];
  /** A restart asked of running processes, with why (a crash's respawn is seen from its exit). */
  'process:restart': [{ name: string; reason: RestartReason }];
}

/** Why supd restarts a process that runs: a command (CLI or dashboard), a watched file, a failed health check, max_memory. */
export type RestartReason = 'command' | 'watch' | 'health' | 'memory';

export class SupervisorEmitter extends EventEmitter<SupervisorEvents> {
  constructor() {
    super();
    // Every waiting command subscribes for a moment; many at once is normal, not a leak.
    this.setMaxListeners(0);
  }
}
