// Bad input, config side: 10,000 generated configs (100,000 in the soak), valid and broken,
// through the config pipeline in-process, and a sample of them through `supd check` itself
// (the CLI's main, in-process): nothing crashes or hangs, and every refusal is located.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main.js';
import { transientModules } from '../../src/config/transient-require.js';
import { formatIssue } from '../../src/errors.js';
import { assertLoadsOrLocatedError, ENV, key, mutatedConfigText, value } from '../helpers/config-arbitraries.js';
import { reportFigures, sized } from '../helpers/soak.js';
import { makeTempDir } from '../helpers/temp.js';
import { toToml, type TomlTable } from '../helpers/to-toml.js';

const RUNS = sized(10_000, 100_000);

// A document built from nothing: sections and programs of random keys and values (mostly
// refused by the schema, sometimes a program with a command that loads).
const freshDoc: fc.Arbitrary<string> = fc
  .record({
    supervisor: fc.dictionary(key, value, { maxKeys: 3 }),
    programs: fc.dictionary(
      fc.oneof(fc.constantFrom('web', 'app', 'a-b', 'x_1'), key),
      fc.record({ command: fc.oneof(fc.constant('sleep 1'), value) }).chain((p) => fc.dictionary(key, value, { maxKeys: 4 }).map((extra) => ({ ...extra, ...p }))),
      { maxKeys: 3 },
    ),
    top: fc.dictionary(key, value, { maxKeys: 2 }),
  })
  .map(({ supervisor, programs, top }) => toToml({ ...top, supervisor, programs } as TomlTable));

// Text that was never TOML, or barely: any characters, and lines of TOML-looking debris.
const garbage: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 200, unit: 'binary' }),
  fc.array(fc.constantFrom('[programs.web]', 'command = "x"', '[[programs]]', 'a = ', '= 1', '"\\u0000"', 'x = """', "'''", '[a.b.c]', 'k = [1, "a"]', 'k = {', '#', '\t', '\r\n'), { maxLength: 12 }).map((lines) => lines.join('\n')),
);

const anyConfig = fc.oneof({ weight: 6, arbitrary: mutatedConfigText }, { weight: 2, arbitrary: freshDoc }, { weight: 1, arbitrary: garbage });

test(`bad input: ${RUNS.toLocaleString('en-US')} generated configs through the config pipeline, none crashes, every refusal located`, { timeout: sized(120_000, 1_200_000) }, (t) => {
  let accepted = 0;
  let refused = 0;
  let issues = 0;
  let slowestMs = 0;
  const began = Date.now();
  // One scope for the whole run: the parsers are required once, not at each of the 10,000 loads
  // (a load lets them go when it ends: src/config/transient-require.ts; that cost is not the point here).
  transientModules(() => fc.assert(
    fc.property(anyConfig, (text) => {
      const t0 = performance.now();
      const result = assertLoadsOrLocatedError(text);
      slowestMs = Math.max(slowestMs, performance.now() - t0);
      if (!Array.isArray(result)) return void accepted++;
      refused++;
      for (const issue of result) {
        issues++;
        // What the user reads: file, then line and column or key path and line.
        assert.match(formatIssue(issue), /^daemons\.toml(:\d+:\d+: |: .+ \(line \d+\)$)/s);
      }
    }),
    { numRuns: RUNS },
  ));
  assert.ok(slowestMs < 2000, `one config took ${slowestMs.toFixed(0)} ms`);
  reportFigures(t, { 'configs tried': RUNS, accepted, refused, 'issues located': issues, 'slowest config ms': slowestMs.toFixed(1), 'total ms': Date.now() - began });
});

test('bad input: a sample of generated configs through supd check in-process: exit 0 with "ok" or 2 with located errors', { timeout: 60_000 }, async (t) => {
  const temp = makeTempDir();
  const samples = fc.sample(anyConfig, { numRuns: sized(200, 2000), seed: 9 });
  const codes = { 0: 0, 2: 0 };
  try {
    for (const [i, text] of samples.entries()) {
      const file = temp.write(`c${i}/daemons.toml`, text);
      const out = new Capture();
      const err = new Capture();
      const code = await main(['check', '-c', file], { stdout: out, stderr: err, env: ENV });
      assert.ok(code === 0 || code === 2, `exit ${code} for:\n${text}\n${err.text}`);
      codes[code]++;
      if (code === 0) {
        assert.match(out.text, /^ok: \d+ programs, \d+ processes\n$/);
        continue;
      }
      const lines = err.text.split('\n').filter(Boolean);
      assert.ok(lines.length > 0, 'refused without a word');
      // Every error starts with the file and a place (multi-line TOML messages continue it).
      assert.ok(lines[0]!.startsWith(`${file}:`), lines[0]);
      assert.ok(lines.filter((l) => l.startsWith(file)).every((l) => /^[^:]+:\d+:\d+: |\(line \d+\)$/.test(l)), err.text);
    }
  } finally {
    temp.remove();
  }
  reportFigures(t, { 'configs checked by supd check': samples.length, 'exit 0': codes[0], 'exit 2': codes[2] });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}
