// The `#:schema` lines of the shipped configs lead to the schema: examples/daemons.toml by a
// path relative to itself (it runs from the repository), etc/daemons.toml by an absolute file
// URL into npm's global root, where `npm install -g` puts the package, so the line still works
// once the file is copied to /etc/supd/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../../helpers/paths.js';

const SCHEMA = 'schemas/daemons.schema.json';

function schemaLine(file: string): string {
  const first = readFileSync(path.join(ROOT, file), 'utf8').split('\n')[0]!;
  const match = /^#:schema (\S+)$/.exec(first);
  assert.ok(match !== null, `${file}: the first line is not a #:schema line: ${first}`);
  return match[1]!;
}

test("examples/daemons.toml's #:schema path resolves from the file's directory", () => {
  const target = path.resolve(ROOT, 'examples', schemaLine('examples/daemons.toml'));
  assert.equal(target, path.join(ROOT, SCHEMA));
});

test("etc/daemons.toml's #:schema names the installed package's schema by an absolute file URL", () => {
  const url = schemaLine('etc/daemons.toml');
  assert.match(url, /^file:\/\/\//, 'a relative path would be taken from /etc/supd, where no schema is');
  const installed = fileURLToPath(url);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; files: string[] };
  // <npm root -g>/<package name>/<path inside the package>, and npm packs that path.
  const inside = `node_modules/${pkg.name}/`;
  assert.ok(installed.includes(inside), `${installed} is not inside node_modules/${pkg.name}`);
  const rel = installed.slice(installed.indexOf(inside) + inside.length);
  assert.equal(rel, SCHEMA);
  assert.ok(pkg.files.some((f) => rel === f || rel.startsWith(`${f}/`)), `package.json files does not ship ${rel}`);
  assert.ok(existsSync(path.join(ROOT, rel)));
});
