#!/usr/bin/env node
// The supd binary: the compiled CLI (npm run build writes dist/).
import { runCli } from '../dist/src/cli/main.js';

await runCli();
