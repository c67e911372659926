#!/usr/bin/env node
// The supd binary: the bundled CLI (npm run build writes dist/bundle/; see scripts/bundle.js).
// A CommonJS script (bin/package.json), so that Node starts it without its ES module loader:
// `supd --version` alone is answered here from package.json, before loading anything;
// `supd status` (and its aliases) requires the one-file CommonJS build of the CLI, which holds
// that verb only; `supd run` requires the daemon's one file (daemon.cjs) the same way; every
// other command imports the ES module bundle, whose verbs are chunks.
'use strict';

const args = process.argv.slice(2);
const STATUS = new Set(['status', 'list', 'avail']);
const VALUE_OPTIONS = new Set(['-c', '--config', '--socket']);

// The verb is the first word that is neither an option nor a global option's value (as in main.ts).
function firstWord() {
  for (let i = 0; i < args.length; i++) {
    if (VALUE_OPTIONS.has(args[i])) i++;
    else if (args[i] === '--') return undefined;
    else if (!args[i].startsWith('-') || args[i] === '-') return args[i];
  }
  return undefined;
}

if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = require('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(require.resolve('../package.json'), 'utf8')).version}\n`);
} else if (STATUS.has(firstWord())) {
  require('../dist/bundle/cli/status.cjs').runCli();
} else if (firstWord() === 'run') {
  // The daemon's young generation held at its first size from the first line on (see
  // src/cli/heap-tuning.ts): set here, before the bundle loads, instead of once `run` starts,
  // the semi-spaces stay at 1 MB where loading the bundle had already grown them to 2
  // (measured: 500 children, RSS 1 s after all run 67.6 MB against 69.6).
  if (process.env.SUPD_NODE_HEAP !== 'node') require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
  require('../dist/bundle/cli/daemon.cjs').runCli();
} else {
  import('../dist/bundle/cli/main.js').then((cli) => cli.runCli());
}
