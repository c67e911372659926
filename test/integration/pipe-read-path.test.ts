import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const LINES = 20_000;

// The path a real supd takes on the Node running this test (npm run test:node runs it on 22 and
// 24): supd.log names it and the version, no pipe falls back, and every byte arrives.
test(`supd.log says which path the pipe reader takes on this Node (${process.version}), and the output arrives whole`, async () => {
  await withSupd(`
[supervisor]
log_level = "debug"

[programs.flood]
command = [${node}, "${BIN}/flood.js", "${LINES}", "line", "100"]
restart = "never"
`, async (supd) => {
    const file = path.join(supd.dir, 'logs', 'flood-0.out.log');
    await waitFor(async () => (await supd.proc('flood:0')).state === 'exited', { timeoutMs: 20_000, what: 'flood to finish' });
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, LINES + 1);
    assert.equal(lines[LINES - 1], `line ${LINES - 1} ${'x'.repeat(100)}`);
    const log = supd.supdLog();
    assert.ok(log.includes(`DEBUG pipe reader: reused 256 KiB buffers (net.Socket's onread mode) on Node ${process.version}`), log);
    assert.doesNotMatch(log, /pipe reader: .*(differs from what the fast path expects|lacks the fast path's fields)/);
  });
});
