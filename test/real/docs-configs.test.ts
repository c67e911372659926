// Every daemons.toml block of docs/real-daemons.md passes `supd check`, alone and all together
// (as one file: no two programs share a name, every depends_on names one of them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { withTempDir } from '../helpers/temp.js';

const page = readFileSync(path.join(ROOT, 'docs', 'real-daemons.md'), 'utf8');
const blocks = [...page.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!);

test('docs/real-daemons.md: every toml block passes supd check, and so do all of them in one file', async () => {
  assert.ok(blocks.length >= 7, `a config per daemon: ${blocks.length}`);
  await withTempDir(async (temp) => {
    const names = blocks.map((block) => /^\[programs\.([\w-]+)\]/m.exec(block)?.[1] ?? '?');
    const all = blocks.join('\n');
    for (const [index, text] of [...blocks, all].entries()) {
      const file = temp.write(`block-${index}.toml`, index < blocks.length ? text.replace(/^depends_on = .*$/gm, '') : all);
      const result = await runCli(['check', '-c', file]);
      assert.equal(result.code, 0, `${index < blocks.length ? `the ${names[index]} block` : 'all blocks together'}: ${result.stdout}${result.stderr}`);
    }
  });
});
