// A real supd on a temp config: started in the foreground as a child of the test, driven
// through the CLI, and always cleaned up (the supervisor, then any child it left).
import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { StatusReport, ProcessStatus } from '../../src/control/protocol.js';
import { SUPD_BIN } from './paths.js';
import { runCli, type CliResult } from './run-cli.js';
import { makeTempDir, type TempDir } from './temp.js';
import { listProcs } from './procfs.js';
import { isAlive, WaitAborted, waitFor } from './wait-for.js';
import { withCleanup } from './with-cleanup.js';

export interface SupdUnderTest {
  readonly dir: string;
  readonly config: string;
  readonly child: ChildProcess;
  readonly temp: TempDir;
  output(): string;
  cli(...args: string[]): Promise<CliResult>;
  status(): Promise<StatusReport>;
  proc(name: string): Promise<ProcessStatus>;
  waitForState(name: string, state: string | ((p: ProcessStatus) => boolean), timeoutMs?: number): Promise<ProcessStatus>;
  supdLog(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** Kill everything this test started (supd by SIGKILL, then the children it knew). */
  cleanup(keepDir?: boolean): Promise<void>;
  /** Runs `fn` first when cleaning up (last registered first), while supd and its dir are still there. */
  onCleanup(fn: () => unknown): void;
}

export interface StartOptions {
  readonly files?: Record<string, string>;
  readonly env?: NodeJS.ProcessEnv;
  readonly waitReady?: boolean;
  /** Run in the directory (and state dir) of an earlier supd of the test. */
  readonly reuse?: TempDir;
  /** Runs supd through this command (`['setpriv', '--groups=4', '--']`): it must exec supd, so the pid stays supd's. */
  readonly wrapper?: readonly string[];
  /** Options for Node itself, before supd's script (`['--trace-opt']`). */
  readonly nodeArgs?: readonly string[];
  /** More fds for supd beyond 0-2 (fd 3 on), as spawn's `stdio` entries: what a careless parent leaves open. */
  readonly extraStdio?: ReadonlyArray<'ignore' | 'pipe' | number>;
}

export async function startSupd(configText: string, options: StartOptions = {}): Promise<SupdUnderTest> {
  const temp = options.reuse ?? makeTempDir();
  for (const [name, content] of Object.entries(options.files ?? {})) temp.write(name, content);
  const config = temp.write('daemons.toml', configText);
  // Marks everything this supd starts (unless clear_env), so cleanup kills only those.
  const env = { ...process.env, NO_COLOR: '1', SUPD_TEST_DIR: temp.dir, ...options.env };
  const [file, ...args] = [...(options.wrapper ?? []), process.execPath, ...(options.nodeArgs ?? []), SUPD_BIN, 'run', '-c', config];
  const child = spawn(file!, args, { cwd: temp.dir, env, stdio: ['ignore', 'pipe', 'pipe', ...(options.extraStdio ?? [])] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const knownPids = new Set<number>();
  const cleanupHooks: Array<() => unknown> = [];
  let killed: Promise<void> | undefined;
  const cli = (...args: string[]): Promise<CliResult> => runCli([...args, '-c', config], { cwd: temp.dir, env });
  const status = async (): Promise<StatusReport> => {
    const result = await cli('status', '--json');
    if (result.code !== 0) throw new Error(`status failed (${result.code}): ${result.stderr}`);
    const report = JSON.parse(result.stdout) as StatusReport;
    for (const p of report.processes) if (p.pid !== null) knownPids.add(p.pid);
    return report;
  };
  const proc = async (name: string): Promise<ProcessStatus> => {
    const found = (await status()).processes.find((p) => p.name === name);
    if (found === undefined) throw new Error(`no process ${name}`);
    return found;
  };
  const handle: SupdUnderTest = {
    dir: temp.dir,
    config,
    child,
    temp,
    output: () => output,
    cli,
    status,
    proc,
    waitForState: (name, state, timeoutMs = 10_000) =>
      waitFor(
        async () => {
          const p = await proc(name);
          return (typeof state === 'string' ? p.state === state : state(p)) ? p : null;
        },
        { timeoutMs, what: `${name} to be ${typeof state === 'string' ? state : 'as wanted'}` },
      ),
    supdLog: () => {
      const file = path.join(temp.dir, 'logs', 'supd.log');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    onCleanup: (fn) => cleanupHooks.push(fn),
    async cleanup(keepDir = false) {
      const hookErrors = await runHooks(cleanupHooks.splice(0).reverse());
      // Once supd is gone and its children with it, a later call has only the dir left to remove.
      killed ??= killAll(child, exited, temp.dir, knownPids);
      await killed;
      if (!keepDir) temp.remove();
      if (hookErrors.length > 0) throw hookErrors[0];
    },
  };
  if (options.waitReady !== false) {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new WaitAborted(`supd exited with ${child.exitCode}: ${output}`);
        return (await cli('status', '--json')).code === 0;
      },
      { timeoutMs: 10_000, what: `supd to answer (output: ${output})` },
    ).catch(async (error) => {
      await handle.cleanup();
      throw error;
    });
  }
  return handle;
}

export interface WithSupdOptions extends StartOptions {
  /** Leave the temp dir for a later supd of the test (`reuse`); that one removes it. */
  readonly keepDir?: boolean;
}

type Body<T> = (supd: SupdUnderTest) => T | Promise<T>;

/**
 * Starts supd on the config, runs the body with it, and always cleans up after (supd, then the
 * children it started, then the temp dir), whatever the body throws. Returns the body's value.
 */
export async function withSupd<T>(configText: string, body: Body<T>): Promise<T>;
export async function withSupd<T>(configText: string, options: WithSupdOptions, body: Body<T>): Promise<T>;
export async function withSupd<T>(configText: string, ...rest: [Body<T>] | [WithSupdOptions, Body<T>]): Promise<T> {
  const [options, body] = rest.length === 1 ? [{}, rest[0]] : rest;
  const supd = await startSupd(configText, options);
  return withCleanup({ cleanup: () => supd.cleanup(options.keepDir) }, () => body(supd));
}

/** What node:test's `t` offers for cleanup (TestContext, SuiteContext's `after`). */
export interface AfterHook {
  after(fn: () => unknown): void;
}

/**
 * Starts supd for the test `t` and cleans it up when the test ends, whatever it throws: for
 * tests that start several supd's in turn (a later one on `reuse` of an earlier one's dir).
 * The supd's of one test are cleaned up last started first; an explicit `cleanup()` before
 * makes the late one kill nothing more.
 */
export async function supdFor(t: AfterHook, configText: string, options: WithSupdOptions = {}): Promise<SupdUnderTest> {
  let started = startedFor.get(t);
  if (started === undefined) {
    const list: Array<() => Promise<void>> = [];
    startedFor.set(t, (started = list));
    t.after(async () => {
      const errors = await runHooks(list.splice(0).reverse());
      if (errors.length > 0) throw errors[0];
    });
  }
  const supd = await startSupd(configText, options);
  started.push(() => supd.cleanup(options.keepDir));
  return supd;
}

const startedFor = new WeakMap<AfterHook, Array<() => Promise<void>>>();

/** Runs a long-lived CLI command (`logs -f`) on this supd's config; killed when the supd is cleaned up. */
export function spawnCli(supd: SupdUnderTest, ...args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  const cli = spawn(process.execPath, [SUPD_BIN, ...args, '-c', supd.config], { stdio: ['ignore', 'pipe', 'pipe'] });
  supd.onCleanup(() => cli.kill('SIGKILL'));
  return cli;
}

/** SIGKILL to supd, then to every process still marked as this test's (SUPD_TEST_DIR=dir); waits for them to be gone. */
async function killAll(child: ChildProcess, exited: Promise<unknown>, dir: string, knownPids: ReadonlySet<number>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  // Only pids that are still ours: a pid seen in a status long ago may be someone else's now.
  const ours = (pid: number): boolean => pid !== process.pid && hasMarker(pid, dir);
  const left = [...new Set([...knownPids, ...listProcs().map((p) => p.pid)])].filter(ours);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await waitFor(() => left.every((pid) => !isAlive(pid)), { timeoutMs: 5000, what: 'children to be gone' }).catch(() => undefined);
}

/** Runs every hook, even after one throws; returns what they threw. */
async function runHooks(hooks: ReadonlyArray<() => unknown>): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

/** Whether the process carries SUPD_TEST_DIR=dir in its environment (started by that supd or its test). */
function hasMarker(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SUPD_TEST_DIR=${dir}`);
  } catch {
    return false;
  }
}
