#!/usr/bin/env node
// `npm run bench -- [name...]`: runs bench/<name>.js for each name given, or every bench/*.js.
// Each writes its figures to bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir).filter((f) => f.endsWith('.js') && f !== 'run.js').map((f) => f.slice(0, -3)).sort();
const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of names.length > 0 ? names : all) {
  if (!all.includes(name)) {
    console.error(`no bench named ${name} (there are: ${all.join(', ')})`);
    process.exit(2);
  }
  console.log(`== ${name}`);
  const result = spawnSync(process.execPath, [`${dir}${name}.js`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
