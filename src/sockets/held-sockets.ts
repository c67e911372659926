// The listening sockets supd holds for its units (SPEC section 7, `sockets`), by address: each
// is bound once (at start, or when a reload adds it), handed to every copy, and closed only
// when no unit of the config names it and no child that got it still runs.
import type { SocketSpec, UnitSpec } from '../config/types.js';
import { SupdError, type ConfigIssue } from '../errors.js';
import { resolveIdentity } from '../process/user.js';
import { BindError, bindSocket, type BoundSocket, type SocketOwner } from './bind-socket.js';

export class HeldSockets {
  private readonly held = new Map<string, BoundSocket>();
  /** Addresses the current config names. */
  private wanted = new Set<string>();
  /** The addresses each live child was given. */
  private readonly children = new Map<number, readonly string[]>();

  constructor(private readonly log: (level: 'info' | 'warn', message: string) => void) {}

  /** Binds every address these units name that is not held yet. All or nothing: on a failure
   * what this call bound is closed again and the error names each place. */
  async bind(units: readonly UnitSpec[], file: string): Promise<void> {
    const fresh = new Map<string, { spec: SocketSpec; path: string; owner: SocketOwner | null }>();
    for (const unit of units) {
      for (const spec of unit.sockets) if (!this.held.has(spec.address) && !fresh.has(spec.address)) fresh.set(spec.address, { spec, path: `${unitPath(unit)}.sockets.${spec.name}`, owner: ownerOf(unit) });
    }
    const results = await Promise.allSettled([...fresh.values()].map(({ spec, owner }) => bindSocket(spec, owner)));
    const issues: ConfigIssue[] = [];
    [...fresh.values()].forEach(({ spec, path }, i) => {
      const result = results[i]!;
      if (result.status === 'rejected') issues.push({ file, path, message: `cannot bind ${spec.address}: ${describe(result.reason)}` });
    });
    if (issues.length > 0) {
      for (const result of results) if (result.status === 'fulfilled') result.value.close();
      throw new SupdError('SUPD_E_START_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
    }
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      this.held.set(result.value.address, result.value);
      this.log('info', `holding socket ${result.value.bound}${result.value.bound === result.value.address ? '' : ` (${result.value.address})`} as fd ${result.value.fd}`);
    }
  }

  /** The units of the config now in force: what they no longer name closes once unused. */
  setWanted(units: readonly UnitSpec[]): void {
    this.wanted = new Set(units.flatMap((u) => u.sockets.map((s) => s.address)));
    this.sweep();
  }

  /** supd's fds of the unit's sockets, in table order (they become the child's 3, 4, ...). */
  fdsFor(unit: UnitSpec): number[] {
    return unit.sockets.map((s) => {
      const socket = this.held.get(s.address);
      if (socket === undefined) throw new SupdError('SUPD_E_INTERNAL', `socket ${s.address} of ${unit.name} is not bound`);
      return socket.fd;
    });
  }

  childStarted(pid: number, unit: UnitSpec): void {
    if (unit.sockets.length > 0) this.children.set(pid, unit.sockets.map((s) => s.address));
  }

  childExited(pid: number): void {
    if (this.children.delete(pid)) this.sweep();
  }

  closeAll(): void {
    for (const socket of this.held.values()) socket.close();
    this.held.clear();
  }

  private sweep(): void {
    const inUse = new Set([...this.wanted, ...[...this.children.values()].flat()]);
    for (const [address, socket] of this.held) {
      if (inUse.has(address)) continue;
      socket.close();
      this.held.delete(address);
      this.log('info', `closed socket ${socket.bound}: no program names it and no copy that got it runs`);
    }
  }
}

// A program run as another user owns its unix sockets' files (mode 0660: it and its group may connect).
function ownerOf(unit: UnitSpec): SocketOwner | null {
  if (unit.user === null && unit.group === null) return null;
  const identity = resolveIdentity(unit.user, unit.group, process.getuid?.() ?? 0);
  if (!identity.ok || (identity.user === null && identity.gid === null)) return null;
  return { uid: identity.user?.uid ?? -1, gid: identity.gid ?? identity.user?.gid ?? -1 };
}

function describe(reason: unknown): string {
  if (reason instanceof BindError) return reason.message;
  const error = reason as NodeJS.ErrnoException;
  return error.code ?? error.message ?? String(reason);
}

function unitPath(unit: UnitSpec): string {
  return unit.method === null ? `programs.${unit.program}` : `programs.${unit.program}.methods.${unit.method}`;
}

/** The environment of a child given these sockets (systemd's sd_listen_fds protocol; LISTEN_PID is set at exec). */
export function listenEnv(unit: UnitSpec): Record<string, string> {
  if (unit.sockets.length === 0) return {};
  return { LISTEN_FDS: String(unit.sockets.length), LISTEN_FDNAMES: unit.sockets.map((s) => s.name).join(':') };
}
