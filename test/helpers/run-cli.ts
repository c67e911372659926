// Runs the real supd binary to completion and captures what it printed.
import { spawn } from 'node:child_process';
import { SUPD_BIN } from './paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; wrapper?: readonly string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const [file, ...rest] = [...(options.wrapper ?? []), process.execPath, SUPD_BIN, ...args];
    const child = spawn(file!, rest, {
      cwd: options.cwd,
      env: options.env ?? { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`supd ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30000} ms`));
    }, options.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
