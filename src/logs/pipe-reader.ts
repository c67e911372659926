// Reads a child's stdout or stderr with a fixed budget. Node's ordinary stream path allocates a
// fresh buffer for every read; under a flood those buffers pile up as garbage until V8 collects
// them (+35 MB of RSS for 101 MB of output, measured). Here (net.Socket's documented `onread`
// mode, switched on for the socket that child_process or child-stdio.ts created) every pipe
// lands its reads in one shared buffer and each read is copied out at once: a short one (under
// 64 KiB: a few lines) into a buffer of its own size, a long one (a flood) into one of at most
// SLOTS reused 256 KiB slots from a pool shared by all pipes; a slot comes back once its bytes
// are written. With SLOTS x SLOT_BYTES unwritten, reading stops, the pipe fills and the child
// waits in write(): supd never buffers more than that per stream, and never drops. Switching
// that mode on for a socket that already exists means setting net.Socket's private fields
// (found by their symbols' names), so supd checks at start (`chooseReadPath`) that this Node has
// them, says in supd.log which path it takes, and where they differ reads through 'data' events
// under the same byte budget (more garbage under a flood, same bytes). Either way other
// listeners of the stream's 'data' (readiness by log line) still see every read.
import net from 'node:net';
import type { Readable } from 'node:stream';

const SLOT_BYTES = 256 * 1024;
const SLOTS = 8;
/** What a pipe may hold unwritten before its reading stops: SLOTS slots' worth. */
const BUDGET = SLOTS * SLOT_BYTES;
/** Reads shorter than this get an exact-size copy instead of a slot. */
const SHORT_READ = 64 * 1024;
/** What a short read costs beyond its bytes (its Buffer, its release), counted in the budget. */
const READ_OVERHEAD = 256;

/** Receives each read; must call `release` once it no longer needs `data`. */
export type ChunkHandler = (data: Buffer, release: () => void) => void;

/** How children's output is read: Node's user-buffer mode (the fast path) or 'data' events. */
export type ReadPath = 'reused buffers' | 'data events';

export interface ReadPathCheck {
  readonly path: ReadPath;
  /** Why the fast path is not usable (null when it is). */
  readonly problem: string | null;
}

interface ReadPathLog {
  debug(message: string): void;
  warn(message: string): void;
}

let chosen: { path: ReadPath; log: ReadPathLog | null; warnedStream: boolean } = { path: 'reused buffers', log: null, warnedStream: false };

/** Whether this Node's sockets work the way the fast path expects; `probe` makes the sockets to look at (tests). */
export function checkReadPath(probe: () => { onread: Readable; pipe: Readable } = probeSockets): ReadPathCheck {
  const fast = (problem: string | null): ReadPathCheck => ({ path: problem === null ? 'reused buffers' : 'data events', problem });
  let sockets: { onread: Readable; pipe: Readable };
  try {
    sockets = probe();
  } catch (error) {
    return fast(`probing a socket failed: ${(error as Error).message}`);
  }
  const sym = socketSymbols(sockets.onread);
  if (sym === null) return fast("net.Socket has no kBuffer/kBufferCb/kBufferGen fields (its 'onread' option's private state)");
  const fields = sockets.onread as unknown as SocketInternals;
  if (fields[sym.buffer] !== PROBE_BUFFER || fields[sym.callback] !== probeCallback) return fast("net.Socket keeps its 'onread' option somewhere else than kBuffer/kBufferCb");
  if (typeof (sockets.pipe as unknown as SocketInternals)._handle?.useUserBuffer !== 'function') return fast('a pipe handle has no useUserBuffer()');
  return fast(null);
}

/** At start: checks the fast path, reads every child's output the way found, and says so in supd.log once. */
export function chooseReadPath(log: ReadPathLog, check: ReadPathCheck = checkReadPath()): ReadPath {
  chosen = { path: check.path, log, warnedStream: false };
  if (check.problem === null) log.debug(`pipe reader: reused ${SLOT_BYTES / 1024} KiB buffers (net.Socket's onread mode) on Node ${process.version}`);
  else log.warn(`pipe reader: Node ${process.version} differs from what the fast path expects (${check.problem}): reading children's output through 'data' events, same bytes and byte budget, more garbage under floods`);
  return check.path;
}

/** The path readPipe takes for new pipes. */
export function currentReadPath(): ReadPath {
  return chosen.path;
}

const PROBE_BUFFER = Buffer.alloc(1);
const probeCallback = (): boolean => true;

// One socket made with the documented `onread` option (which fields does it set?) and one with a
// pipe handle, which net.Socket creates synchronously when it connects to a path (an abstract one
// that nobody listens on: nothing is touched, the attempt is dropped at once).
function probeSockets(): { onread: Readable; pipe: Readable } {
  const onread = new net.Socket({ onread: { buffer: PROBE_BUFFER, callback: probeCallback } } as net.SocketConstructorOpts);
  const pipe = new net.Socket();
  pipe.on('error', () => undefined);
  pipe.connect({ path: `\0supd-read-path-probe-${process.pid}` });
  const snapshot = Object.assign(Object.create(null) as object, { _handle: (pipe as unknown as SocketInternals)._handle });
  pipe.destroy();
  onread.destroy();
  return { onread, pipe: snapshot as unknown as Readable };
}

/** Reads `stream` into `onChunk` (tests and one-off readers; supd's outputs subclass PipeReader). */
export function readPipe(stream: Readable, onChunk: ChunkHandler, options: { reuseBuffers?: boolean } = {}): PipeReader {
  return new CallbackReader(stream, onChunk).start(options.reuseBuffers !== false);
}

const ignore = (): void => undefined;
/** The reader of a stream, on the stream itself: the listeners below are shared by every pipe. */
const kReader = Symbol('supd pipe reader');
type Owned = SocketInternals & { [kReader]?: PipeReader };

// net.Socket calls its onread callback as a method of the socket; 'end' and 'data' listeners get it as `this` too.
function onLanded(this: Owned, nread: number, buffer: Buffer): boolean {
  return this[kReader]!.landed(buffer, nread);
}
function onData(this: Owned, chunk: Buffer): void {
  this[kReader]!.received(chunk);
}
function onEnd(this: Owned): void {
  this[kReader]?.finish();
}

/**
 * One pipe's reading state in one object, its reads handed to `chunk` (a subclass's method):
 * no closure per pipe, the stream's listeners are shared functions that find it on the stream.
 */
export abstract class PipeReader {
  ended = false;
  /** Bytes held by reads handed on and not yet released (a slot counts whole). */
  private held = 0;
  private stopped = false;
  private waiters: Array<() => void> | null = null;

  constructor(protected readonly stream: Readable) {}

  /** Receives each read; must call `release` once it no longer needs `data`. */
  protected abstract chunk(data: Buffer, release: () => void): void;

  /** The stream ended (called before `ended` is set and waiters wake). */
  protected finished(): void {}

  /** Starts reading: the fast path when this Node has it (and `reuseBuffers`), else 'data' events. */
  start(reuseBuffers = true): this {
    (this.stream as unknown as Owned)[kReader] = this;
    this.stream.on('end', onEnd);
    this.stream.on('error', ignore);
    if (reuseBuffers && chosen.path === 'reused buffers' && usesUserBufferMode(this.stream)) this.readIntoBuffers();
    else this.stream.on('data', onData);
    return this;
  }

  /** Reading is stopped because the budget is held by reads not yet written. */
  get paused(): boolean {
    return this.stopped;
  }

  /** Resolves when reading runs again or the pipe ended. */
  unpaused(): Promise<void> {
    if (this.ended || !this.stopped) return Promise.resolve();
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  /** @internal the stream's 'end'. */
  finish(): void {
    this.finished();
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = null;
    for (const w of waiting ?? []) w();
  }

  private restart(): void {
    if (!this.stopped || this.stream.destroyed) return;
    this.stopped = false;
    this.stream.resume();
    this.wake();
  }

  // net.Socket's `onread` mode: libuv reads straight into a buffer we give it and the callback
  // gets the byte count; returning false stops reading. Every pipe reads into the same landing
  // buffer (reads run one at a time on the loop thread, and each is handled before the next):
  // its bytes are copied out at once (see landed), so an idle pipe holds no buffer of its own.
  private readIntoBuffers(): void {
    const socket = this.stream as unknown as Owned;
    const sym = socketSymbols(this.stream)!;
    const buffer = landingBuffer();
    socket[sym.buffer] = buffer;
    // No generator: the landing buffer stays armed for the next read.
    socket[sym.generator] = null;
    socket[sym.callback] = onLanded;
    socket._handle!.useUserBuffer!(buffer);
  }

  // A short read (a few lines) gets a copy of its own size; a long one (a flood) a 256 KiB slot
  // from the pool shared by all pipes, which goes back once written: floods cycle the same few
  // slots (no garbage), and chatty children do not churn 256 KiB buffers for 100-byte lines.
  /** @internal a read in the landing buffer (fast path). */
  landed(buffer: Buffer, nread: number): boolean {
    const slot = nread < SHORT_READ ? null : takeSlot();
    const copy = slot ?? Buffer.allocUnsafe(nread);
    buffer.copy(copy, 0, 0, nread);
    const data = slot === null ? copy : slot.subarray(0, nread);
    this.hand(data, slot === null ? nread + READ_OVERHEAD : SLOT_BYTES, slot);
    // In this mode the socket emits no 'data' of its own; readers of the output (`ready.log`)
    // get each read here, valid while they handle it (a slot is reused once written).
    if (this.stream.listenerCount('data') > 0) this.stream.emit('data', data);
    return !this.stopped;
  }

  /** @internal a 'data' event (the fallback path: a fresh buffer per read). */
  received(chunk: Buffer): void {
    this.hand(chunk, chunk.length + READ_OVERHEAD, null);
    if (this.stopped) this.stream.pause();
  }

  // Reading stops while the reads not yet written hold the budget, and runs again at half of it.
  private hand(data: Buffer, cost: number, slot: Buffer | null): void {
    this.held += cost;
    let released = false;
    this.chunk(data, () => {
      if (released) return;
      released = true;
      this.held -= cost;
      if (slot !== null) giveBack(slot);
      if (this.held <= BUDGET / 2) this.restart();
    });
    if (this.held >= BUDGET) this.stopped = true;
  }
}

class CallbackReader extends PipeReader {
  constructor(
    stream: Readable,
    private readonly onChunk: ChunkHandler,
  ) {
    super(stream);
  }

  protected chunk(data: Buffer, release: () => void): void {
    this.onChunk(data, release);
  }
}

type SocketInternals = Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buffer: Uint8Array) => void; reading?: boolean } };

function socketSymbols(stream: Readable): { buffer: symbol; callback: symbol; generator: symbol } | null {
  const find = (name: string): symbol | undefined => Object.getOwnPropertySymbols(stream).find((s) => s.description === name);
  const [buffer, callback, generator] = [find('kBuffer'), find('kBufferCb'), find('kBufferGen')];
  return buffer && callback && generator ? { buffer, callback, generator } : null;
}

function hasUserBufferMode(stream: Readable): boolean {
  const handle = (stream as unknown as SocketInternals)._handle;
  return typeof handle?.useUserBuffer === 'function' && socketSymbols(stream) !== null;
}

// A pipe that lacks the mode although the check at start found it: said once, read the public way.
function usesUserBufferMode(stream: Readable): boolean {
  if (hasUserBufferMode(stream)) return true;
  if (!chosen.warnedStream && chosen.log !== null && (stream as unknown as SocketInternals)._handle) {
    chosen.warnedStream = true;
    chosen.log.warn("pipe reader: a child's pipe lacks the fast path's fields although the check at start found them: reading it through 'data' events");
  }
  return false;
}

let landing: Buffer | null = null;
// Free slots shared by every pipe; more than SLOTS free ones are left to the collector.
const freeSlots: Buffer[] = [];

function landingBuffer(): Buffer {
  landing ??= Buffer.allocUnsafeSlow(SLOT_BYTES);
  return landing;
}

function takeSlot(): Buffer {
  return freeSlots.pop() ?? Buffer.allocUnsafeSlow(SLOT_BYTES);
}

function giveBack(slot: Buffer): void {
  if (freeSlots.length < SLOTS) freeSlots.push(slot);
}
