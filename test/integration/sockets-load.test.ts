// Issue 19's proof: 4 copies behind one held socket, a client sending without pause, 20 rolling
// restarts and 5 reloads that change the env: no failed connection, no non-2xx answer, and
// every answer from a copy that was ready.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { heldPort } from '../helpers/held-sockets.js';
import { startLoad } from '../helpers/load-client.js';
import { ROOT } from '../helpers/paths.js';
import { reportFigures } from '../helpers/soak.js';
import { withSupd, type SupdUnderTest } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const SERVER = path.join(ROOT, 'examples', 'socket-web.js');
const RESTARTS = 20;
const RELOADS = 5;

const GUNICORN = '/usr/bin/gunicorn';

interface Server {
  readonly name: string;
  readonly command: string;
  readonly ready: string;
  readonly skip: string | false;
}

const SERVERS: readonly Server[] = [
  { name: 'examples/socket-web.js', command: JSON.stringify([process.execPath, SERVER]), ready: 'listening on', skip: false },
  {
    // No --bind: gunicorn takes the socket by systemd's protocol, which needs LISTEN_PID to be its own pid.
    name: 'gunicorn (systemd socket activation)',
    command: JSON.stringify([GUNICORN, '--chdir', path.join(ROOT, 'examples'), '--workers', '1', '--preload', 'socket_app:app']),
    ready: 'Booting worker',
    skip: existsSync(GUNICORN) ? false : `${GUNICORN} is not installed (Debian: apt-get install gunicorn python3-gunicorn)`,
  },
];

const config = (server: Server, version: number): string => `
[programs.web]
command = ${server.command}
processes = 4
sockets = { http = "tcp://127.0.0.1:0" }
ready = { log = "${server.ready}" }
restart_strategy = "rolling"
env = { APP_VERSION = "v${version}", WARMUP_MS = "100" }
`;

const allRunning = (supd: SupdUnderTest) => waitFor(async () => {
  const report = await supd.status();
  return report.processes.length === 4 && report.processes.every((p) => p.state === 'running') ? report : null;
}, { what: '4 copies running' });

describe('sockets under load (issue 19)', () => {
  for (const server of SERVERS) test(`${server.name}: ${RESTARTS} rolling restarts and ${RELOADS} reloads under a steady client: no failed connection, no non-2xx, only ready copies answer`, { timeout: 600_000, skip: server.skip }, async (t) => {
    await withSupd(config(server, 0), async (supd) => {
      const port = await heldPort(supd);
      await allRunning(supd);
      const load = startLoad(port, { concurrency: 1, maxRequests: 500_000, maxMs: 540_000 });
      let reloads = 0;
      for (let i = 1; i <= RESTARTS; i++) {
        const restart = await supd.cli('restart', 'web');
        assert.equal(restart.code, 0, `restart ${i}: ${restart.stdout}${restart.stderr}`);
        if (i % (RESTARTS / RELOADS) === 0) {
          writeFileSync(supd.config, config(server, ++reloads));
          const reload = await supd.cli('reload');
          assert.equal(reload.code, 0, `reload ${reloads}: ${reload.stderr}`);
          assert.equal(reload.stdout.trim(), 'changed web (restarted 4)');
        }
      }
      const report = await load.stop();
      const final = await allRunning(supd);
      assert.deepEqual(final.processes.map((p) => p.name), ['web:0', 'web:1', 'web:2', 'web:3'], 'the surge copy is gone');
      assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
      assert.equal(report.non2xx, 0);
      assert.equal(report.notReady, 0);
      assert.ok(report.sent > 1000, `only ${report.sent} requests`);
      // Answers came from every generation: 4 + 1 surge copies per restart and per reload.
      assert.ok(report.pids.size > (RESTARTS + RELOADS) * 2, `answers from ${report.pids.size} pids`);
      assert.deepEqual([...report.versions].sort(), Array.from({ length: RELOADS + 1 }, (_, i) => `v${i}`));
      reportFigures(t, { requests: report.sent, failed: report.failed.length, 'non-2xx': report.non2xx, 'copies that answered': report.pids.size, 'slowest answer (ms)': report.slowestMs });
    });
  });
});
