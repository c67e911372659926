import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { SUPD_BIN } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';

// Output to a pipe is written asynchronously once the pipe is full: exiting at once used to
// cut `supd status --json | jq` off after 64 KiB when jq read slower than supd wrote.
test('status --json reaches a slow pipe whole, however long', async () => {
  await withSupd(`
[programs.many]
command = "sleep 1000"
processes = 300
autostart = false
`, async (supd) => {
    const out = path.join(supd.dir, 'status.json');
    const script = `"$0" "$1" status --json -c "$2" | (sleep 1; cat > "$3")`;
    await promisify(execFile)('sh', ['-c', script, process.execPath, SUPD_BIN, supd.config, out]);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.length > 64 * 1024, `only ${text.length} bytes`);
    assert.equal((JSON.parse(text) as { processes: unknown[] }).processes.length, 300);
  });
});
