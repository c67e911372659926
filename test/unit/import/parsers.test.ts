import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectSource } from '../../../src/import/import-file.js';
import { parseIni } from '../../../src/import/ini.js';
import { literal } from '../../../src/import/model.js';
import { expandPercent, formatPercent } from '../../../src/import/percent.js';
import { shlexSplit } from '../../../src/import/shlex.js';
import { parseEnvironment } from '../../../src/import/supervisord-keys.js';
import { renderToml } from '../../../src/import/toml-writer.js';

test('INI as supervisord reads it: case-insensitive keys, = or :, inline and full-line comments, continuation lines', () => {
  const [section] = parseIni('; top\n[program:x]\nCommand = /bin/run --a ; said\nenvironment: A="1",\n  B="2"\n# done\n', 'f.conf');
  assert.equal(section!.name, 'program:x');
  assert.equal(section!.values.get('command')!.value, '/bin/run --a');
  assert.equal(section!.values.get('command')!.line, 3);
  assert.equal(section!.values.get('environment')!.value, 'A="1",\nB="2"');
  assert.throws(() => parseIni('key=1\n', 'f.conf'), /f\.conf:1: a setting before any \[section\]/);
});

test('%(...) expansion: widths, %%, and the pieces escaped for supd', () => {
  const resolve = (ref: { name: string; width: string; kind: 's' | 'd' | 'i' }): string => formatPercent(ref.name === 'n' ? 7 : 'web', ref);
  assert.equal(expandPercent('%(p)s_%(n)02d 100%% $HOME', literal, resolve), 'web_07 100% $$HOME');
  assert.equal(expandPercent('%(n)3d|%(n)d', (t) => t, resolve), '  7|7');
});

test('shlex.split as supervisord uses it: quotes, escapes, operators are words', () => {
  assert.deepEqual(shlexSplit(`bash -c "cd /srv && exec ./run" 'a b' c\\ d`), ['bash', '-c', 'cd /srv && exec ./run', 'a b', 'c d']);
  assert.deepEqual(shlexSplit('a && b|c'), ['a', '&&', 'b|c']);
  assert.throws(() => shlexSplit('"open'), /no closing quotation/);
});

test('supervisord environment: quotes keep commas, single quotes, bare values', () => {
  assert.deepEqual(parseEnvironment('A="x,y",B=\'s\',C=plain, D = "spaced"'), [['A', 'x,y'], ['B', 's'], ['C', 'plain'], ['D', 'spaced']]);
  assert.throws(() => parseEnvironment('A="open'), /unterminated quote in the value of A/);
});

test('the source kind from the name, then the content', () => {
  assert.equal(detectSource('/x/Procfile', ''), 'procfile');
  assert.equal(detectSource('/x/app.conf', ''), 'supervisord');
  assert.equal(detectSource('/x/ecosystem.config.cjs', ''), 'pm2');
  assert.equal(detectSource('/x/supervisor', '[program:a]\ncommand=b\n'), 'supervisord');
  assert.equal(detectSource('/x/apps', '{"apps": []}'), 'pm2');
  assert.equal(detectSource('/x/procs', 'web: run\n'), 'procfile');
  assert.equal(detectSource('/x/empty', '\n'), null);
});

test('the TOML writer: quoted keys where needed, inline tables, notes as comments, disabled programs commented out', () => {
  const text = renderToml({
    header: ['from x'],
    programs: [
      { name: 'a', notes: ['why'], settings: [{ key: 'env', value: { 'MY.KEY': 'v"q', N: '1' } }, { key: 'processes', value: 2, notes: ['two'] }] },
      { name: 'b', notes: [], settings: [{ key: 'command', value: ['x'] }], disabledBecause: 'cannot' },
    ],
  });
  assert.equal(text, '# from x\n\n# why\n[programs.a]\nenv = { "MY.KEY" = "v\\"q", N = "1" }\n# two\nprocesses = 2\n\n# not imported: cannot\n# [programs.b]\n# command = ["x"]\n');
});
