// A temp directory per test, removed after it.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  readonly dir: string;
  write(name: string, content: string): string;
  remove(): void;
}

export function makeTempDir(prefix = 'supd-test-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Body<T> = (temp: TempDir) => T | Promise<T>;

/** Runs the body with a fresh temp dir and always removes it after, whatever the body throws. */
export async function withTempDir<T>(body: Body<T>): Promise<T>;
export async function withTempDir<T>(prefix: string, body: Body<T>): Promise<T>;
export async function withTempDir<T>(...args: [Body<T>] | [string, Body<T>]): Promise<T> {
  const [prefix, body] = args.length === 1 ? [undefined, args[0]] : args;
  const temp = makeTempDir(prefix);
  try {
    return await body(temp);
  } finally {
    temp.remove();
  }
}
