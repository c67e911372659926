// GET /api/live: Server-Sent Events to open dashboards. `status` (the whole status --json
// object) soon after every state change and every few seconds for uptime and memory; `events`
// (what happened: state moves, exits, health, reloads and each action taken via http), batched.
// Nothing runs while no dashboard is open.
import type { ServerResponse } from 'node:http';
import type { SupervisorEmitter, SupervisorEvents } from '../supervisor/events.js';

export interface FeedEvent {
  readonly at: string;
  readonly kind: 'state' | 'exit' | 'health' | 'reload' | 'restart' | 'audit';
  readonly name: string | null;
  readonly text: string;
}

const KEEP_EVENTS = 200;
const BATCH_MS = 200;
const STATUS_AFTER_CHANGE_MS = 300;
const STATUS_EVERY_MS = 5000;

export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly recent: FeedEvent[] = [];
  private pending: FeedEvent[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(events: SupervisorEmitter, private readonly status: () => Promise<unknown>, private readonly now: () => number) {
    const handlers: { [K in keyof SupervisorEvents]?: (...args: SupervisorEvents[K]) => void } = {
      'process:state': ({ name, from, to, reason }) => this.add('state', name, `${from} -> ${to}${reason === null ? '' : ` (${reason})`}`),
      'process:exit': ({ name, pid, code, signal }) => this.add('exit', name, `pid ${pid} ${signal === null ? `exited with code ${code}` : `killed by ${signal}`}`),
      'process:health': ({ name, healthy, reason }) => this.add('health', name, healthy ? 'healthy' : `unhealthy${reason === null ? '' : `: ${reason}`}`),
      'process:restart': ({ name, reason }) => this.add('restart', name, `restarting (${reason})`),
      'config:reloaded': ({ lines }) => this.add('reload', null, `reloaded: ${lines.join('; ')}`),
    };
    const entries = Object.entries(handlers) as [keyof SupervisorEvents, (...args: unknown[]) => void][];
    for (const [name, handler] of entries) events.on(name, handler as never);
    this.unsubscribe = () => {
      for (const [name, handler] of entries) events.off(name, handler as never);
    };
  }

  /** An action taken through the dashboard (the audit line). */
  audit(text: string): void {
    this.add('audit', null, text);
  }

  /** Takes a GET /api/live response: headers, the last events, the status now, then updates. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.write(`retry: 2000\n\n`);
    if (this.recent.length > 0) write(res, 'events', this.recent);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.idle();
    });
    this.ticker ??= setInterval(() => this.pushStatus(), STATUS_EVERY_MS);
    void this.status().then((s) => write(res, 'status', s), () => undefined);
  }

  close(): void {
    this.unsubscribe();
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.idle();
  }

  private add(kind: FeedEvent['kind'], name: string | null, text: string): void {
    const event: FeedEvent = { at: new Date(this.now()).toISOString(), kind, name, text };
    this.recent.push(event);
    if (this.recent.length > KEEP_EVENTS) this.recent.splice(0, this.recent.length - KEEP_EVENTS);
    if (this.clients.size === 0) return;
    this.pending.push(event);
    this.batchTimer ??= setTimeout(() => this.flush(), BATCH_MS);
    if (kind !== 'audit') this.statusTimer ??= setTimeout(() => this.pushStatus(), STATUS_AFTER_CHANGE_MS);
  }

  private flush(): void {
    this.batchTimer = null;
    const batch = this.pending;
    this.pending = [];
    for (const res of this.clients) write(res, 'events', batch);
  }

  private pushStatus(): void {
    if (this.statusTimer !== null) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    if (this.clients.size === 0) return;
    void this.status().then((s) => {
      const text = frame('status', s);
      for (const res of this.clients) res.write(text);
    }, () => undefined);
  }

  private idle(): void {
    for (const timer of [this.batchTimer, this.statusTimer]) if (timer !== null) clearTimeout(timer);
    if (this.ticker !== null) clearInterval(this.ticker);
    this.batchTimer = this.statusTimer = this.ticker = null;
    this.pending = [];
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function write(res: ServerResponse, event: string, data: unknown): void {
  if (!res.writableEnded) res.write(frame(event, data));
}
