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
  tuneDaemonV8();
  require('../dist/bundle/cli/daemon.cjs').runCli();
} else {
  import('../dist/bundle/cli/main.js').then((cli) => cli.runCli());
}

// V8 settings for the daemon, set before its bundle loads (measured with bench/daemon-flags.js,
// docs/benchmarks.md "V8 flags for the daemon"); SUPD_NODE_V8=node keeps Node's own.
// - The young generation held at its first size: Node lets each semi-space grow to 16 MB under
//   a burst of allocation (starting 500 children is one) and keeps them, 32 MB committed for a
//   live heap of 5-15 MB. --max-semi-space-size is read only when V8 sets its heap up, but the
//   growth factor is read at each growth, so it can be set here; set before the bundle loads,
//   the semi-spaces stay at 1 MB where loading had already grown them to 2.
// - No optimising compiler (TurboFan; Maglev on Node 24) while supd starts its programs: that
//   work is done once a child, and optimising it costs more than it saves, plus the 3-4 MB of
//   the node binary TurboFan's own code pages in (500 children: RSS 57 MB 1 s after all run
//   against 64, start-up CPU lower). src/cli/optimise-when-busy.ts turns TurboFan on later if
//   supd is busy for a while (thousands of processes churning, a flood of console lines).
//   --max-opt is not read after start on Node 24; --no-turbofan and --no-maglev are.
function tuneDaemonV8() {
  if (process.env.SUPD_NODE_V8 === 'node') return;
  const v8 = require('node:v8');
  for (const flag of ['--semi-space-growth-factor=1', '--no-turbofan', '--no-maglev']) v8.setFlagsFromString(flag);
}
