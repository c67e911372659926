// What a plain daemon loads (issue 21): `supd run` on a config without HTTP, mail, compression,
// host names or the inspector loads none of Node's modules for those, and keeps none of the
// config parsers after a load (src/lazy-builtins.ts, src/config/transient-require.ts). A probe
// preloaded into supd records process.moduleLoadList and require.cache when it exits. And the
// daemon runs without V8's optimising compilers (bin/supd.js), on the Node version in use.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { withSupd } from '../helpers/supd.js';
import { withTempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const PROBE = path.join(FIXTURES, 'bin', 'module-probe.cjs');
const config = (processes: number): string => `
[programs.web]
command = ["sleep", "1000"]
processes = ${processes}
start_secs = "0ms"
`;
const UNUSED = ['crypto', 'zlib', 'inspector', 'dns', 'dns/promises', 'worker_threads', 'http', 'https'];
const PARSERS = ['schema-validator.cjs', 'smol-toml.cjs', 'toml-syntax.cjs', 'toml/index.js'];

interface Probe {
  readonly modules: string[];
  readonly cached: string[];
}

test('a plain supd run, reloaded, loads no crypto, zlib, inspector, dns or http, and keeps no config parser', async () => {
  await withTempDir(async (probes) => {
    const env = { NODE_OPTIONS: `--require ${PROBE}`, SUPD_PROBE_DIR: probes.dir };
    const pid = await withSupd(config(2), { env }, async (supd) => {
      const running = (n: number) => waitFor(async () => (await supd.status()).processes.filter((p) => p.state === 'running').length === n, { what: `${n} running` });
      await running(2);
      writeFileSync(supd.config, config(3));
      const reload = await supd.cli('reload');
      assert.equal(reload.code, 0, reload.stderr);
      await running(3);
      assert.equal(await supd.stop(), 0);
      return supd.child.pid!;
    });
    const probe = JSON.parse(readFileSync(path.join(probes.dir, `${pid}.json`), 'utf8')) as Probe;
    assert.ok(probe.modules.includes('NativeModule net'), 'the probe saw what supd loaded');
    assert.deepEqual(UNUSED.filter((name) => probe.modules.includes(`NativeModule ${name}`)), []);
    assert.ok(probe.cached.some((file) => file.endsWith(path.join('dist', 'bundle', 'cli', 'daemon.cjs'))), 'the daemon is one CommonJS file');
    assert.deepEqual(probe.cached.filter((file) => PARSERS.some((name) => file.endsWith(name))), []);
  });
});

// 100 children started and 100,000 timestamped lines and as many console lines through supd:
// with Node's own settings V8 optimises functions of it (the control, so that the trace is
// known to show them); with supd's, none.
const BUSY = `
[supervisor]
log_dir = "logs"

[programs.idle]
command = ["sleep", "1000"]
processes = 100
start_secs = "0ms"

[programs.flood]
command = ["seq", "1", "100000"]
restart = "never"
start_secs = "0ms"
stdout = { timestamps = true }

[programs.chatter]
command = ["seq", "1", "100000"]
restart = "never"
start_secs = "0ms"
stdout = "console"
`;

async function optimisedFunctions(env: NodeJS.ProcessEnv): Promise<string[]> {
  return withSupd(BUSY, { env, nodeArgs: ['--trace-opt'] }, async (supd) => {
    await waitFor(async () => {
      const processes = (await supd.status()).processes;
      return processes.filter((p) => p.program === 'idle' && p.state === 'running').length === 100 && processes.filter((p) => p.program !== 'idle').every((p) => p.state === 'exited');
    }, { what: '100 running and both floods done', timeoutMs: 30_000 });
    await waitFor(() => supd.output().includes('100000\n'), { what: 'the last console line' });
    return [...supd.output().matchAll(/^\[completed (?:optimizing|compiling) .*?<JSFunction ([^ >]*)/gm)].map((m) => m[1]!);
  });
}

test('supd run optimises no function of its own or of Node (no TurboFan, no Maglev); Node\'s own settings do', async () => {
  const withNode = await optimisedFunctions({ SUPD_NODE_V8: 'node' });
  assert.ok(withNode.length > 0, 'with Node\'s settings V8 optimised something: the trace shows it');
  assert.deepEqual(await optimisedFunctions({}), []);
});
