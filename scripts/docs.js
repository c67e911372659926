// npm run docs: rewrite the config reference in docs/configuration.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { REFERENCE_BEGIN, REFERENCE_END, renderConfigReference } from '../dist/src/config/reference.js';

const page = new URL('../docs/configuration.md', import.meta.url);
const text = readFileSync(page, 'utf8');
const start = text.indexOf(REFERENCE_BEGIN);
const end = text.indexOf(REFERENCE_END);
if (start === -1 || end === -1) throw new Error('docs/configuration.md has no config-reference markers');
writeFileSync(page, text.slice(0, start) + renderConfigReference() + text.slice(end + REFERENCE_END.length));
