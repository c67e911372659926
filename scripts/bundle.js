// Bundles the CLI with esbuild so that a command loads a few files instead of a graph of about
// a hundred modules: dist/bundle/cli/main.js is the entry (the client verbs), and every verb
// loaded lazily (run, the daemon, among them) is a chunk of its own; code both share is in
// shared chunks, so every module still exists once. Source maps are kept beside the files.
// The bundle lives three levels below the package root, as dist/src/<dir>/ does, so the
// relative URLs to package.json and schemas/ resolve the same; the schema validator that
// scripts/build-validator.js generates, and the TOML parsers' files, are copied beside it.
import { build } from 'esbuild';
import { copyFileSync, rmSync } from 'node:fs';

const outdir = new URL('../dist/bundle/cli/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
// The settings of every one-file CommonJS build below (the verbs' and the vendored parsers').
const COMMONJS = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS dependencies bundled into ES modules call require(): give every chunk one.
  banner: { js: "import { createRequire as __supdCreateRequire } from 'node:module'; const require = __supdCreateRequire(import.meta.url);" },
});
// `supd status`, the command people run most, also as one CommonJS file (bin/supd.js picks it
// when status is the verb): Node loads one script instead of a dozen ES modules through its ESM
// loader (measured: 13 ms of CPU over `node -e 0` instead of 30 with 500 processes). The same
// main() and verb table; every other verb's module is left out (bin/supd.js never sends one here).
await build(oneVerb('status', 'status.cjs'));
// `supd run`, the daemon, as one CommonJS file too (bin/supd.js requires it when run is the
// verb): about twenty ES modules through the ESM loader made Node's own URL and path code hot
// enough for V8 to optimise it, which paged in more of the node binary (measured: 0 children
// RSS 55.2 MB against 56.4). What the daemon loads only for some configs (the HTTP side) stays
// in the file behind its dynamic import, which esbuild wraps so its top level runs only then;
// nodemailer and node-cron (reports, [schedule]) are required from node_modules when used.
await build({ ...oneVerb('run', 'daemon.cjs'), external: ['nodemailer', 'node-cron'] });

// The TOML parsers of src/config/toml.ts as CommonJS files of their own: each is required by a
// config load and let go after it (src/config/transient-require.ts), which the ES module
// loader's cache would not allow (toml-eslint-parser, for places in a config with problems, is
// an ES module package); required by path, they take no package "exports" resolution either.
await vendor('smol-toml.cjs', "export { parse, TomlDate } from 'smol-toml';");
await vendor('toml-syntax.cjs', "export { parseTOML } from 'toml-eslint-parser';");
for (const file of ['schema-validator.cjs', 'smol-toml.cjs', 'smol-toml.cjs.map', 'toml-syntax.cjs', 'toml-syntax.cjs.map']) copyFileSync(new URL(`../dist/src/config/${file}`, import.meta.url), new URL(file, `file://${outdir}`));

// The same main() and verb table as the ES module bundle, as one CommonJS file holding one
// verb: every other verb's module is left out (bin/supd.js never sends one here).
function oneVerb(verb, file) {
  const otherVerbs = {
    name: `${verb}-only`,
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\// }, (args) => (args.importer.endsWith('/src/cli/verbs.ts') && args.path !== `./commands/${verb}.js` ? { path: args.path, external: true } : undefined));
    },
  };
  return {
    entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
    outfile: `${outdir}${file}`,
    ...COMMONJS,
    plugins: [otherVerbs],
    define: { 'import.meta.url': '__supdModuleUrl' },
    banner: { js: "const __supdModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
}

// A package's exports as one CommonJS file in dist/src/config/ (copied beside the bundle).
function vendor(file, contents) {
  return build({
    stdin: { contents, resolveDir: new URL('..', import.meta.url).pathname },
    outfile: new URL(`../dist/src/config/${file}`, import.meta.url).pathname,
    ...COMMONJS,
  });
}
