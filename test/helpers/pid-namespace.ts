// supd as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`), as in a container:
// its output, its exit, the processes of the namespace (seen from outside, by /proc/PID/ns/pid),
// and a cleanup that ends the namespace (SIGKILL to its PID 1 takes every process in it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { SUPD_BIN } from './paths.js';
import { listProcs, type ProcEntry } from './procfs.js';
import { runCli, type CliResult } from './run-cli.js';
import { makeTempDir, type TempDir } from './temp.js';
import { waitFor } from './wait-for.js';

/** Why these tests cannot run here, or false. */
export function pidNamespaceSkip(): string | false {
  if (process.getuid?.() !== 0) return 'SKIP: a new PID namespace (unshare --pid) needs root (CI runs as root)';
  const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) return `SKIP: unshare --pid --fork --mount-proc does not work here (${probe.error?.message ?? `exit ${probe.status}`})`;
  return false;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Date.now() when it was seen. */
  readonly at: number;
}

export interface NamespacedSupd {
  readonly temp: TempDir;
  readonly config: string;
  readonly unshare: ChildProcess;
  readonly exited: Promise<Exit>;
  output(): string;
  /** PID 1 of the namespace, as the host numbers it. */
  pid1(): Promise<number>;
  /** The live and zombie processes of the namespace. */
  procs(): ProcEntry[];
  cli(...args: string[]): Promise<CliResult>;
  cleanup(): Promise<void>;
}

/** Runs `supd run` on `configText` (or, when null, on the daemons.toml that `setup` puts in the dir). */
export function startInPidNamespace(configText: string | null, env: NodeJS.ProcessEnv = {}, setup: (dir: string) => void = () => undefined): NamespacedSupd {
  const temp = makeTempDir('supd-pid1-');
  setup(temp.dir);
  const config = configText === null ? path.join(temp.dir, 'daemons.toml') : temp.write('daemons.toml', configText);
  const fullEnv = { ...process.env, NO_COLOR: '1', ...env };
  const unshare = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, SUPD_BIN, 'run', '-c', config], { cwd: temp.dir, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  unshare.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  unshare.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<Exit>((resolve) => unshare.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  let pid1: number | null = null;
  let nsLink: string | null = null;
  const findPid1 = async (): Promise<number> => {
    pid1 ??= await waitFor(() => Number(readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(' ')[0]) || null, { what: 'the namespace\'s PID 1' });
    nsLink ??= readlinkSync(`/proc/${pid1}/ns/pid`);
    return pid1;
  };
  const inNamespace = (pid: number): boolean => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`) === nsLink;
    } catch {
      return false;
    }
  };
  return {
    temp,
    config,
    unshare,
    exited,
    output: () => output,
    pid1: findPid1,
    procs: () => (nsLink === null ? [] : listProcs().filter((p) => inNamespace(p.pid))),
    cli: (...args) => runCli([...args, '-c', config], { cwd: temp.dir, env: fullEnv }),
    async cleanup() {
      if (unshare.exitCode === null && unshare.signalCode === null) {
        if (pid1 !== null) {
          try {
            process.kill(pid1, 'SIGKILL');
          } catch {
            // gone
          }
        }
        unshare.kill('SIGKILL');
      }
      await exited;
      temp.remove();
    },
  };
}
