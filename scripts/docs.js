// npm run docs: rewrite the config reference in README.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { REFERENCE_BEGIN, REFERENCE_END, renderConfigReference } from '../dist/src/config/reference.js';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(REFERENCE_BEGIN);
const end = text.indexOf(REFERENCE_END);
if (start === -1 || end === -1) throw new Error('README.md has no config-reference markers');
writeFileSync(readme, text.slice(0, start) + renderConfigReference() + text.slice(end + REFERENCE_END.length));
