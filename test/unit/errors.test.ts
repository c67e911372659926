// The error-code registry held to its documentation and its use: every code is documented
// with its exit, every documented code exists, and every code is raised somewhere in src/.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { ERROR_CODES, errorLines, isKnownCode, SupdError } from '../../src/errors.js';
import { ROOT } from '../helpers/paths.js';

const documented = new Map(
  [...readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8').matchAll(/^\| `(SUPD_E_[A-Z_]+)` \| (\d) \| (.+) \|$/gm)].map((m) => [m[1]!, { exit: Number(m[2]), meaning: m[3]! }]),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}

test('docs/errors.md lists every code with its exit and meaning, and no code that does not exist', () => {
  assert.deepEqual([...documented.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    assert.equal(documented.get(code)!.exit, entry.exit, code);
    assert.equal(documented.get(code)!.meaning, entry.meaning.replaceAll('|', '\\|'), code);
  }
});

test('every code is raised somewhere in src/ (outside the registry)', () => {
  const sources = sourceFiles(path.join(ROOT, 'src'))
    .filter((f) => !f.endsWith(`${path.sep}errors.ts`))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  for (const code of Object.keys(ERROR_CODES)) assert.ok(sources.includes(`'${code}'`), `${code} is never raised`);
});

test('each code exits as the registry says; a code this side does not know exits 1, never 0', () => {
  for (const [code, entry] of Object.entries(ERROR_CODES)) assert.equal(exitCodeFor(code), entry.exit, code);
  assert.equal(isKnownCode('SUPD_E_FROM_THE_FUTURE'), false);
  assert.equal(exitCodeFor('SUPD_E_FROM_THE_FUTURE'), 1);
  assert.deepEqual([...new Set(Object.values(ERROR_CODES).map((e) => e.exit))].sort(), [1, 2, 3]);
});

test('errorLines: each config issue in its place, or else the message after the prefix', () => {
  const issues = [{ file: 'd.toml', line: 3, column: 2, message: 'bad' }, { file: 'd.toml', path: 'programs.web', message: 'worse', line: 4 }];
  assert.deepEqual(errorLines(new SupdError('SUPD_E_CONFIG_INVALID', 'ignored', { issues }), 'supd: '), ['d.toml:3:2: bad', 'd.toml: programs.web: worse (line 4)']);
  assert.deepEqual(errorLines(new SupdError('SUPD_E_NOT_RUNNING', 'no supd'), 'supd status: '), ['supd status: no supd']);
});
