// The shape issue 15 holds src/ to: no function over 40 lines, and the core's three busiest
// files (the process lifecycle, the supervisor, log rotation) under 250 lines each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/paths.js';

interface LongFunction {
  file: string;
  name: string;
  start: number;
  lines: number;
}

const shape = (await import(path.join(ROOT, 'scripts', 'code-shape.js'))) as { longFunctions(root: string, max: number): LongFunction[] };

test('no function in src/ is over 40 lines', () => {
  const long = shape.longFunctions(ROOT, 40).map((f) => `${f.file}:${f.start} ${f.name} (${f.lines} lines)`);
  assert.deepEqual(long, []);
});

test('managed-process.ts, supervisor.ts and rotating-file.ts are each under 250 lines', () => {
  for (const file of ['src/process/managed-process.ts', 'src/supervisor/supervisor.ts', 'src/logs/rotating-file.ts']) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines < 250, `${file} has ${lines} lines`);
  }
});
