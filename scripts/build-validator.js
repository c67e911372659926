// Compiles schemas/daemons.schema.json into a standalone ajv validator at build time, so that
// `supd check` and `supd run` do not pay ajv's schema compilation (about 160 ms) at every start.
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function createAjv(options = {}) {
  const ajv = new Ajv2020.default({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, ...options });
  ajv.addKeyword({ keyword: 'x-error', schemaType: 'string' });
  return ajv;
}

const schema = JSON.parse(readFileSync(new URL('../schemas/daemons.schema.json', import.meta.url), 'utf8'));
const ajv = createAjv({ code: { source: true } });
const validate = ajv.compile(schema);
const out = new URL('../dist/src/config/schema-validator.cjs', import.meta.url);
mkdirSync(dirname(out.pathname), { recursive: true });
writeFileSync(out, standaloneCode.default(ajv, validate));
