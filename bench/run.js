// npm run bench -- [name...] [--runs N]: run the named benchmarks, or every known one.
// Each bench module exports `run({ runs })`, prints its numbers and writes bench/results/<name>.json.
// Its own options pass through: `npm run bench -- supervisor --quick`.
const BENCHES = {
  cli: () => import('./cli.js'),
  'daemon-flags': () => import('./daemon-flags.js'),
  config: () => import('./config.js'),
  console: () => import('./console.js'),
  logs: () => import('./logs.js'),
  scale: () => import('./scale.js'),
  sockets: () => import('./sockets.js'),
  supervisor: () => import('./supervisor.js'),
  watch: () => import('./watch.js'),
  http: () => import('./http.js'),
};

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? undefined : Number(args[runsAt + 1]);
// Options that take a value (--runs here; --sizes and --only of scale.js, which reads them itself).
const VALUED = new Set(['--runs', '--sizes', '--only']);
const names = args.filter((a, i) => !a.startsWith('-') && !VALUED.has(args[i - 1]));
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0 || (runs !== undefined && !(runs > 0))) {
  console.error(`usage: npm run bench -- [${Object.keys(BENCHES).join('|')}...] [--runs N]`);
  if (unknown.length > 0) console.error(`unknown bench: ${unknown.join(', ')}`);
  process.exit(2);
}
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  const { run } = await BENCHES[name]();
  await run({ runs });
}
