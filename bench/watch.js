// node bench/watch.js [--seconds 60] [--files 20000] [--compare]   (or npm run bench -- watch)
// Issue 7: what watching costs supd. A real supd on a tree of 20,000 files, once without and
// once with `watch` on it: supd's CPU over the idle seconds (goal: under 1% of one core), its
// RSS (the watcher's share is the difference), how long the watch took to set up, and
// whether single changes anywhere in the tree (new dirs, renames, deletes) are each seen.
// --compare also measures the same tree under Node's recursive fs.watch and, when it is
// installed, chokidar, each alone in a child process. Writes bench/results/watch.json.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SUPD = path.join(ROOT, 'bin', 'supd.js');
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString().trim()) || 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function run(options = {}) {
  const seconds = options.seconds ?? 60;
  const files = options.files ?? 20_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'supd-bench-watch-'));
  try {
    const tree = makeTree(path.join(dir, 'tree'), files);
    console.log(`tree: ${files} files in ${tree.dirs} directories; ${seconds} s idle each, without then with watch`);
    const without = await measureSupd(dir, false, seconds);
    const withWatch = await measureSupd(dir, true, seconds);
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      files,
      dirs: tree.dirs,
      idle_seconds: seconds,
      without_watch: without,
      with_watch: withWatch,
      watcher_rss_bytes: withWatch.rss_bytes - without.rss_bytes,
      compare: options.compare ? await compareWatchers(path.join(dir, 'tree')) : undefined,
    };
    report(result);
    mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench', 'results', 'watch.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// 20 top dirs x 10 subdirs x N files, like a mid-sized codebase.
function makeTree(root, files) {
  const leaves = 200;
  for (let i = 0; i < files; i++) {
    const leaf = path.join(root, `pkg${(i % leaves) % 20}`, `mod${i % leaves}`);
    if (i < leaves) mkdirSync(leaf, { recursive: true });
    writeFileSync(path.join(leaf, `file${i}.js`), `export const n = ${i};\n`);
  }
  return { dirs: leaves + 20 + 1 };
}

async function measureSupd(dir, watch, seconds) {
  const config = path.join(dir, 'daemons.toml');
  writeFileSync(config, `[programs.app]\ncommand = ["sleep", "1000000"]\nstart_secs = "0s"\n${watch ? 'watch = { paths = ["tree"], debounce = "100ms" }\n' : ''}`);
  rmSync(path.join(dir, 'logs'), { recursive: true, force: true });
  const startedAt = Date.now();
  const supd = spawn(process.execPath, [SUPD, 'run', '-c', config], { stdio: 'ignore' });
  const log = () => readOr(path.join(dir, 'logs', 'supd.log'));
  try {
    const ready = await waitFor(() => (watch ? / watch: watching .*\((\d+) directories\)/.exec(log()) : /spawned pid/.exec(log())), 60_000);
    const setupMs = Date.now() - startedAt;
    await sleep(2000); // let the start settle before the idle window
    const cpu0 = cpuTicks(supd.pid);
    await sleep(seconds * 1000);
    const cpuPercent = ((cpuTicks(supd.pid) - cpu0) / CLK_TCK / seconds) * 100;
    const result = { rss_bytes: rssBytes(supd.pid), cpu_percent: round(cpuPercent, 3), ready_ms: setupMs };
    if (!watch) return result;
    return { ...result, watched_dirs: Number(ready[1]), reliability: await probe(dir, config) };
  } finally {
    supd.kill('SIGTERM');
    await new Promise((resolve) => supd.once('exit', resolve));
  }
}

// Single changes of every kind, one at a time, each waited for as a watch restart.
async function probe(dir, config) {
  const t = (p) => path.join(dir, 'tree', p);
  const probes = {
    'modify a deep file': () => writeFileSync(t('pkg7/mod127/file127.js'), 'changed\n'),
    'create a file': () => writeFileSync(t('pkg3/mod3/new.js'), 'x'),
    'create a nested dir and a file': () => {
      mkdirSync(t('pkg3/mod3/a/b'), { recursive: true });
      writeFileSync(t('pkg3/mod3/a/b/c.js'), 'x');
    },
    'write in the new dir later': () => writeFileSync(t('pkg3/mod3/a/b/d.js'), 'x'),
    'replace by rename': () => {
      writeFileSync(t('pkg9/mod9/file9.js.tmp'), 'x');
      renameSync(t('pkg9/mod9/file9.js.tmp'), t('pkg9/mod9/file9.js'));
    },
    'delete a file': () => rmSync(t('pkg11/mod11/file11.js')),
    'delete a dir': () => rmSync(t('pkg3/mod3/a'), { recursive: true }),
  };
  const seen = [];
  for (const [name, change] of Object.entries(probes)) {
    const before = watchRestarts(config, dir);
    const at = Date.now();
    change();
    const ok = await waitFor(() => watchRestarts(config, dir) > before, 5000).then(() => true, () => false);
    seen.push({ change: name, seen: ok, ms: Date.now() - at });
  }
  return { probes: seen.length, seen: seen.filter((s) => s.seen).length, detail: seen };
}

function watchRestarts(config, dir) {
  const out = spawnSync(process.execPath, [SUPD, 'status', '--json', '-c', config], { cwd: dir, encoding: 'utf8' });
  return out.status === 0 ? JSON.parse(out.stdout).processes[0].watch_restarts : -1;
}

// The alternatives considered, each alone in a child process on the same tree.
async function compareWatchers(tree) {
  const script = (setup) => `
    const rss0 = process.memoryUsage().rss; const t0 = Date.now();
    (async () => { ${setup} })().then(() => {
      const setupMs = Date.now() - t0;
      setTimeout(() => { global.gc(); console.log(JSON.stringify({ setup_ms: setupMs, added_rss_bytes: process.memoryUsage().rss - rss0 })); process.exit(0); }, 3000);
    }, (error) => { console.error(error.message); process.exit(1); });`;
  const kinds = {
    node_recursive_fs_watch: `require('node:fs').watch(${JSON.stringify(tree)}, { recursive: true }, () => {});`,
    chokidar: `const { watch } = await import('chokidar'); const w = watch(${JSON.stringify(tree)}, { ignoreInitial: true }); await new Promise((r) => w.on('ready', r));`,
  };
  const results = {};
  for (const [kind, setup] of Object.entries(kinds)) {
    const out = spawnSync(process.execPath, ['--expose-gc', '-e', script(setup)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const missing = /Cannot find (package|module) 'chokidar'/.test(out.stderr);
    const error = missing ? 'not installed (npm i --no-save chokidar@4 to compare)' : out.stderr.trim().split('\n').at(-1) || 'failed';
    results[kind] = out.status === 0 ? JSON.parse(out.stdout.trim().split('\n').at(-1)) : { error };
  }
  return results;
}

function report(r) {
  const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;
  console.log(`without watch: cpu ${r.without_watch.cpu_percent}% of a core, rss ${mb(r.without_watch.rss_bytes)}`);
  console.log(`with watch:    cpu ${r.with_watch.cpu_percent}% of a core, rss ${mb(r.with_watch.rss_bytes)}, ${r.with_watch.watched_dirs} dirs watched, ready in ${r.with_watch.ready_ms} ms`);
  console.log(`watcher adds:  ${mb(r.watcher_rss_bytes)}; goal cpu < 1%: ${r.with_watch.cpu_percent < 1 ? 'met' : 'NOT met'}`);
  const rel = r.with_watch.reliability;
  console.log(`reliability:   ${rel.seen}/${rel.probes} single changes seen (${rel.detail.map((d) => `${d.change} ${d.seen ? `${d.ms} ms` : 'MISSED'}`).join(', ')})`);
  for (const [kind, c] of Object.entries(r.compare ?? {})) console.log(`${kind}: ${c.error ?? `adds ${mb(c.added_rss_bytes)}, set up in ${c.setup_ms} ms`}`);
}

function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssBytes(pid) {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb === null ? 0 : Number(kb[1]) * 1024;
}

function readOr(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function waitFor(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

function round(n, digits) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i === -1 ? undefined : Number(process.argv[i + 1]);
  };
  await run({ seconds: arg('--seconds'), files: arg('--files'), compare: process.argv.includes('--compare') });
}
