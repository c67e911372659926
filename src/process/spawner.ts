// The seam over child_process and kill: the only module that starts or signals a child.
//
// No orphans, by three layers:
// 1. Every child runs through util-linux `setpriv --pdeathsig SIGKILL`, which sets
//    PR_SET_PDEATHSIG and then execs the program (so the pid is the program's own): when
//    supd dies, even by SIGKILL, the kernel kills the child.
// 2. Each child leads its own process group (detached: setsid); the guardian (guardian.ts)
//    kills the recorded groups when its pipe from supd closes, which takes grandchildren too.
// 3. The pids are recorded with their /proc start time (state-file.ts); a restarted supd kills
//    survivors it finds there, and never a reused pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { WrappedChild } from './child-exit.js';
import { prepareStdio, type PreparedStdio, type StdioSlot } from './child-stdio.js';
import { accessorFor, whyNotExecutable, type Accessor } from './exec-access.js';
import { helperAvailable, submitToHelper, type HelperJob } from './spawn-helper.js';

export interface SpawnRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly umask: number | null;
  /** Set only when switching: supd runs as root and the unit names another user or group. */
  readonly uid: number | null;
  readonly gid: number | null;
  /** Extra pipes beyond stdio (readiness notification fd), by fd number. */
  readonly extraFds?: readonly number[];
  /** stderr = "merge": the child's fd 2 is its fd 1's pipe (as `2>&1`), so their lines keep their order. */
  readonly mergeStderr?: boolean;
  /** Run first, as root still: a chain of programs that each exec the rest (limits.ts). */
  readonly prefix?: readonly string[];
  /** The cgroup.procs file the child enters before it execs anything else (copy-tracker.ts). */
  readonly cgroupProcs?: string | null;
  /** Held listening sockets (supd's fds): the child's fds 3, 4, ..., with LISTEN_PID its own pid. */
  readonly listenFds?: readonly number[];
}

export interface ChildHandle {
  readonly pid: number;
  /** Its /proc start time when the spawner read it at the fork (the helper), else null: read it now. */
  readonly startTime?: number | null;
  /** The real path of the program exec'd (what /proc/PID/exe shows once it runs). */
  readonly exe: string;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly extra: ReadonlyMap<number, Readable>;
  /** The kernel reported the exit (its report to onExit may still wait for the output). */
  readonly exited: boolean;
  /** Called once, after the child exited and its output was drained (or 250 ms passed). */
  onExit(listener: ExitListener): void;
  /** Delays the exit report until `wait()` settles (at most EXIT_HOLD_MAX_MS): output read is written first. */
  holdExit(wait: () => Promise<void>): void;
  /**
   * Runs `task` as soon as the kernel reports the exit (before the pipes close), and delays the
   * exit report until it settles: the kill of what the child left behind (copy-tracker.ts).
   */
  afterExit(task: () => Promise<void> | void): void;
}

export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export { EXIT_HOLD_MAX_MS } from './child-exit.js';

export type SpawnResult = { ok: true; child: ChildHandle } | { ok: false; reason: string };

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'];
let setprivPath: string | null | undefined;

/** The setpriv binary, or null where util-linux lacks it (then no parent-death signal). */
export function findSetpriv(): string | null {
  setprivPath ??= SETPRIV_CANDIDATES.find((p) => isExecutable(p)) ?? null;
  return setprivPath;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * argv[0] as the kernel would exec it, or why it cannot be: looked up on the child's own PATH,
 * and, when `who` is given (another user), checked against that user's permissions.
 */
export function resolveExecutable(
  command: string,
  cwd: string,
  pathVar: string | undefined,
  who: Accessor | null = null,
): { ok: true; file: string } | { ok: false; reason: string } {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter(Boolean).map((dir) => path.resolve(cwd, dir, command));
  let refusal: string | null = null;
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue;
    } catch {
      continue;
    }
    const why = who === null ? whyNotExecutableByMe(file) : whyNotExecutable(file, who);
    if (why === null) return { ok: true, file };
    refusal ??= why;
  }
  if (refusal !== null) return { ok: false, reason: refusal };
  if (command.includes('/')) return { ok: false, reason: `no such file: ${candidates[0]}` };
  return { ok: false, reason: `command not found: ${command} (PATH=${pathVar ?? ''})` };
}

function whyNotExecutableByMe(file: string): string | null {
  try {
    accessSync(file, constants.X_OK);
    return null;
  } catch {
    return `not executable: ${file}`;
  }
}

/**
 * Starts a child: at once (a failure found before any fork, or a child supd forks itself), or
 * later, when the spawn helper answers (a promise, settled on the event loop; supd never waits).
 */
export function spawnChild(request: SpawnRequest): Spawning {
  const [command, ...args] = request.argv;
  const who = request.uid === null ? null : accessorFor(request.uid, request.gid);
  const resolved = resolveExecutable(command!, request.cwd, request.env.PATH, who);
  if (!resolved.ok) return resolved;
  try {
    statSync(request.cwd);
  } catch {
    return { ok: false, reason: `working directory does not exist: ${request.cwd}` };
  }
  const setpriv = findSetpriv();
  const program = [resolved.file, ...args];
  const privileged = setpriv === null ? program : [setpriv, ...setprivArgs(request), '--', ...program];
  const launch: Launch = {
    request,
    setpriv: setpriv !== null,
    exe: realExe(resolved.file),
    argvFor: (stdio) => wrapInShell([...(request.prefix ?? []), ...privileged], request.cgroupProcs ?? null, (request.listenFds ?? []).length > 0, stdio.mergeByShell),
    prepare: () => prepareStdio({ extraFds: request.extraFds ?? [], mergeStderr: request.mergeStderr === true, uid: request.uid, gid: request.gid }),
  };
  if (!mayUseHelper(request, launch.setpriv) || !helperAvailable()) return spawnDirect(launch, launch.prepare());
  return new Promise((resolve) => submitToHelper(helperJob(launch, resolve)));
}

/** A spawn's outcome now, or once the spawn helper has answered. */
export type Spawning = SpawnResult | Promise<SpawnResult>;

/** What one spawn needs, whichever way it goes. */
interface Launch {
  readonly request: SpawnRequest;
  readonly setpriv: boolean;
  readonly exe: string;
  /** The argv run (a `sh -c` in front when needed), which depends on the fds prepared. */
  argvFor(stdio: PreparedStdio): string[];
  prepare(): PreparedStdio;
}

// The fork server (spawn-helper.ts) where it does all a spawn here would: every fd a FIFO or
// /dev/null (not a socketpair), no held sockets, and ids switched by setpriv, not by Node.
function mayUseHelper(request: SpawnRequest, setpriv: boolean): boolean {
  return (request.listenFds ?? []).length === 0 && (setpriv || (request.uid === null && request.gid === null));
}

// The child's fds are prepared when the helper takes the request (not while it waits in line).
function helperJob(launch: Launch, resolve: (result: SpawnResult) => void): HelperJob {
  let stdio: PreparedStdio | null = null;
  return {
    prepare: () => {
      stdio = launch.prepare();
      const fds = helperFds(stdio);
      const { cwd, env, umask } = launch.request;
      return fds === null ? null : { argv: launch.argvFor(stdio), cwd, env, umask, fds };
    },
    answered: (outcome) => {
      if (outcome === 'direct') return resolve(spawnDirect(launch, stdio ?? launch.prepare()));
      if (!outcome.ok) {
        stdio?.abandon();
        return resolve(outcome);
      }
      const { child } = outcome;
      resolve({ ok: true, child: new WrappedChild(child, { pid: child.pid, exe: launch.exe, ...stdio!.connect(NO_NODE_PIPES) }) });
    },
  };
}

// [child fd, supd's fd or /dev/null] for each of the child's fds; null if one is a socketpair.
function helperFds(stdio: PreparedStdio): Array<[number, number | 'null']> | null {
  const fds: Array<[number, number | 'null']> = [];
  for (const [fd, slot] of stdio.slots.entries()) {
    if (slot === 'pipe') return null;
    if (slot !== 'ignore') fds.push([fd, slot]);
    else if (fd <= 2) fds.push([fd, 'null']);
  }
  return fds;
}

/** A child forked by the helper has no pipes of Node's (see mayUseHelper). */
const NO_NODE_PIPES = { stdio: [] };

function spawnDirect(launch: Launch, stdio: PreparedStdio): SpawnResult {
  const { request, setpriv, exe } = launch;
  const [file, ...fileArgs] = launch.argvFor(stdio);
  const previousUmask = request.umask === null ? null : process.umask(request.umask);
  let child: ChildProcess;
  try {
    child = spawn(file!, fileArgs, {
      cwd: request.cwd,
      env: request.env,
      stdio: withListenFds(stdio.slots, request.listenFds ?? []),
      detached: true,
      // Without setpriv, Node switches the ids itself (dropping supplementary groups).
      ...(!setpriv && request.uid !== null ? { uid: request.uid } : {}),
      ...(!setpriv && request.gid !== null ? { gid: request.gid } : {}),
    });
  } catch (error) {
    stdio.abandon();
    return { ok: false, reason: `spawn failed: ${(error as Error).message}` };
  } finally {
    if (previousUmask !== null) process.umask(previousUmask);
  }
  if (child.pid === undefined) {
    stdio.abandon();
    child.on('error', () => undefined);
    return { ok: false, reason: `spawn failed: ${file}` };
  }
  return { ok: true, child: new WrappedChild(child, { pid: child.pid, exe, ...stdio.connect(child) }) };
}

// One `sh -c` in front when the child must enter its cgroup (as root, before setpriv switches
// user), be told its own pid in LISTEN_PID (held sockets: Node cannot set a variable between
// fork and exec, but `$$` of a shell that then execs is that pid) or merge stderr into stdout;
// it execs the rest, so the pid stays the program's own.
function wrapInShell(argv: string[], cgroup: string | null, listen: boolean, merge: boolean): string[] {
  if (cgroup === null && !listen && !merge) return argv;
  const script = `${cgroup === null ? '' : 'echo 0 > "$0"; '}${listen ? 'LISTEN_PID=$$; export LISTEN_PID; ' : ''}exec "$@"${merge ? ' 2>&1' : ''}`;
  return ['/bin/sh', '-c', script, cgroup ?? 'sh', ...argv];
}

// Held sockets become the child's fds 3, 4, ... (a ready.fd pipe is above them: config checks).
function withListenFds(slots: readonly StdioSlot[], listenFds: readonly number[]): StdioSlot[] {
  const all = [...slots];
  listenFds.forEach((fd, i) => {
    while (all.length < 3 + i) all.push('ignore');
    all[3 + i] = fd;
  });
  return all;
}

function setprivArgs(request: SpawnRequest): string[] {
  const ids: string[] = [];
  if (request.uid !== null) ids.push('--reuid', String(request.uid), '--init-groups');
  if (request.gid !== null) ids.push('--regid', String(request.gid));
  if (request.uid === null && request.gid !== null) ids.push('--clear-groups');
  return [...ids, '--pdeathsig', 'SIGKILL'];
}

function realExe(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Sends a signal to a child, or to its whole process group; false if nothing was there. */
export function signalProcess(pid: number, signal: NodeJS.Signals, group: boolean): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch (error) {
    if (group && (error as NodeJS.ErrnoException).code === 'ESRCH') return signalProcess(pid, signal, false);
    return false;
  }
}
