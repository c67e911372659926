import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const isRoot = process.getuid?.() === 0;

test('user = "nobody" as root runs with uid 65534, its groups only, and its HOME/USER/LOGNAME', { skip: isRoot ? false : 'SKIP: user switching needs supd to run as root (CI runs as root)' }, async () => {
  await withSupd(`
[programs.who]
command = ["sh", "-c", "echo uid=$(id -u) gid=$(id -g) groups=$(id -G | tr ' ' ,) home=$HOME user=$USER logname=$LOGNAME; exec sleep 1000"]
user = "nobody"
start_secs = "0"
`, async (supd) => {
    const proc = await supd.waitForState('who:0', 'running');
    const line = await waitFor(() => {
      try {
        return readFileSync(path.join(supd.dir, 'logs', 'who-0.out.log'), 'utf8').split('\n')[0] || null;
      } catch {
        return null;
      }
    }, { what: 'the child to print its identity' });
    const nobody = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'))!.split(':');
    assert.match(line, /uid=65534 /);
    assert.match(line, new RegExp(`gid=${nobody[3]} `));
    assert.doesNotMatch(line, /groups=(.*,)?0(,|\s)/, "none of root's groups");
    assert.match(line, new RegExp(`home=${nobody[5]} user=nobody logname=nobody`));
    const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s+65534\s+65534\s+65534$/m, 'the pid in status is the switched program itself');
  });
});

test('a different user when supd is not root is a failed start with the reason', { skip: isRoot ? 'SKIP: supd runs as root here; tested where it is not' : false }, async () => {
  await withSupd(`
[programs.who]
command = ["sleep", "1000"]
user = "root"
backoff = { initial = "5s" }
`, async (supd) => {
    const proc = await supd.waitForState('who:0', 'backoff');
    assert.match(proc.reason ?? '', /not root/);
  });
});
