#!/usr/bin/env node
// The supd binary: the bundled CLI (npm run build writes dist/bundle/; see scripts/bundle.js).
// `supd --version` alone is answered here, before loading the CLI: it is the one command that
// needs nothing but package.json (the `version` verb in the bundle answers every other form).
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { runCli } = await import('../dist/bundle/cli/main.js');
  await runCli();
}
