import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

test('supd check is ok on every config in examples/ and etc/', async () => {
  const files = ['examples', 'etc'].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .filter((f) => f.endsWith('.toml'))
      .map((f) => path.join(ROOT, dir, f)),
  );
  assert.ok(files.length >= 2);
  for (const file of files) {
    const result = await runCli(['check', '-c', file]);
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    assert.match(result.stdout, /^ok: \d+ programs, \d+ processes\n$/);
  }
});

test('supd check counts programs and processes as SPEC says', async () => {
  const result = await runCli(['check', '-c', path.join(ROOT, 'examples', 'daemons.toml')]);
  assert.equal(result.stdout, 'ok: 4 programs, 8 processes\n');
});
