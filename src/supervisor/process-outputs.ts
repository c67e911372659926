// The log outputs of every process (ProcessOutput: its files, its console lines), following the
// supervisor's events: one for each process added, new files when its log settings change
// (the running child's pipes moved over), closed when it is removed. Output being lost is never
// silent: supd.log, the process's reason in status, an alert event.
import type { ConsoleOutput } from '../logs/console.js';
import { createProcessOutput, type ProcessOutput } from '../logs/process-output.js';
import type { Logger } from '../logs/supd-log.js';
import type { ManagedProcess } from '../process/managed-process.js';
import type { SupervisorEmitter } from './events.js';

export class ProcessOutputs {
  private readonly outputs = new Map<string, ProcessOutput>();
  private events: SupervisorEmitter | null = null;
  private find: (name: string) => ManagedProcess | undefined = () => undefined;

  constructor(
    private readonly log: Logger,
    private readonly consoleOut: ConsoleOutput | null,
  ) {}

  /** Follows a supervisor's processes from now on. */
  follow(events: SupervisorEmitter, find: (name: string) => ManagedProcess | undefined): void {
    this.events = events;
    this.find = find;
    events.on('process:added', ({ name }) => this.open(name));
    events.on('process:output-changed', ({ name }) => this.replace(name));
    events.on('process:removed', ({ name }) => {
      void this.outputs.get(name)?.close();
      this.outputs.delete(name);
    });
  }

  /** A process's log files, for `supd logs`. */
  outputOf(name: string): ProcessOutput | undefined {
    return this.outputs.get(name);
  }

  /** SIGUSR2: reopen every log file (an outside logrotate moved them). */
  reopen(): void {
    for (const output of this.outputs.values()) output.reopen();
  }

  closeAll(): Promise<void> {
    return Promise.all([...this.outputs.values()].map((o) => o.close())).then(() => undefined);
  }

  private open(name: string): ProcessOutput | undefined {
    const proc = this.find(name);
    if (proc === undefined) return undefined;
    const output = createProcessOutput(proc.unit, proc.index, this.onLogError, this.consoleOut);
    this.outputs.set(name, output);
    return output;
  }

  private replace(name: string): void {
    const old = this.outputs.get(name);
    const attached = old?.detach() ?? null;
    const next = this.open(name);
    if (attached !== null) next?.adopt(attached);
    void old?.close();
  }

  // One function for every output (it names the process): no closure per process.
  private readonly onLogError = (message: string, name: string): void => {
    this.log.error(message, name);
    const proc = this.find(name);
    if (proc !== undefined) proc.reason = `output lost: ${message}`;
    this.events?.emit('process:log-error', { name, message });
  };
}
