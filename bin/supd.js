#!/usr/bin/env node
// The supd binary: the bundled CLI (npm run build writes dist/bundle/; see scripts/bundle.js).
import { runCli } from '../dist/bundle/cli/main.js';

await runCli();
