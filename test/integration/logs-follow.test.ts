// Issue 13, bug 1: `supd logs -f` behind a flood of rotations, with keep pruning files it had
// not finished: every line still comes, once and in order (a follower holds each file it has
// opened across rename and unlink and reads it to its end before moving on).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { spawnCli, withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const LINES = 5000;

test('logs -f, paused while 5,000 lines rotate through max_size = 8K with keep = 1: every line once, in order', async () => {
  await withSupd(`
[programs.burst]
command = ["node", "${path.join(FIXTURES, 'bin', 'burst-lines.js')}", "go", "${LINES}", "done"]
stdout = { max_size = "8K", keep = 1, compress = false }
`, async (supd) => {
    const follower = spawnCli(supd, 'logs', 'burst', '-f', '-n', '1');
    let seen = '';
    let errors = '';
    follower.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    follower.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    await waitFor(() => seen.includes('ready\n'), { what: 'the follower to print "ready"' });
    // The reader falls behind: nothing is taken from the follower until the flood is over.
    follower.stdout.pause();
    writeFileSync(path.join(supd.dir, 'go'), '');
    await waitFor(() => existsSync(path.join(supd.dir, 'done')), { timeoutMs: 30_000, what: 'the flood to end' });
    const rotations = readdirSync(path.join(supd.dir, 'logs')).filter((f) => f.startsWith('burst-0.out.log.')).length;
    follower.stdout.resume();
    await waitFor(() => seen.includes(`line ${LINES} `), { timeoutMs: 30_000, what: `line ${LINES} (seen ${seen.split('\n').length} lines; stderr: ${errors})` });
    const numbers = seen.split('\n').filter((l) => l.startsWith('line ')).map((l) => Number(l.split(' ')[1]));
    assert.equal(numbers.length, LINES, `lines seen: ${numbers.length} of ${LINES}; stderr: ${errors}`);
    numbers.forEach((n, i) => assert.equal(n, i + 1, `line ${i + 1} came as ${n}`));
    assert.equal(errors, '', 'no gap: every file was held open');
    assert.ok(rotations <= 2, `keep = 1 pruned behind the follower (${rotations} rotated files left)`);
  });
});
