// The README and the pages of docs/: every relative link leads to a file of the repository (and
// to a heading that exists, for an anchor), none to ../shared, and every page of docs/ can be
// reached from the README.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { anchorsOf, linkProblems, linksOf, unreachablePages } from '../../helpers/markdown-links.js';
import { ROOT } from '../../helpers/paths.js';

const PAGES = readdirSync(path.join(ROOT, 'docs'), { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f.split(path.sep).join('/')}`)
  .sort();

test('every relative link in README.md and docs/ resolves to a file of the repository, anchors included', () => {
  assert.ok(PAGES.length >= 9, `docs/ has only ${PAGES.join(', ')}`);
  const files = ['README.md', ...PAGES];
  assert.ok(files.reduce((n, f) => n + linksOf(readFileSync(path.join(ROOT, f), 'utf8')).length, 0) >= 20, 'the pages hold hardly any links');
  assert.deepEqual(linkProblems(ROOT, files), []);
});

test('every page of docs/ is reached from the README by links', () => {
  assert.deepEqual(unreachablePages(ROOT, 'README.md', PAGES), []);
});

test('the README stays a front page: under 250 lines', () => {
  const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length;
  assert.ok(lines < 250, `README.md has ${lines} lines: move a topic into docs/`);
});

test('the link checker finds a missing file, a wrong anchor, a link out of the repository and ../shared', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'supd-links-'));
  try {
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(path.join(root, 'docs', 'a.md'), '# A page\n\n## Some `code` here\n\nText.\n');
    writeFileSync(
      path.join(root, 'README.md'),
      [
        '# Top',
        '[fine](docs/a.md) [fine anchor](docs/a.md#some-code-here) [here](#top) [web](https://example.com)',
        '[missing](docs/b.md)',
        '[bad anchor](docs/a.md#nope)',
        '[out](../shared/SPEC.md)',
        '`[not a link](nowhere.md)` and:',
        '```',
        '[not a link either](nowhere.md)',
        '```',
        '[ref]: docs/c.md',
      ].join('\n'),
    );
    assert.deepEqual(linkProblems(root, ['README.md', 'docs/a.md']), [
      'README.md: mentions ../shared, which is not part of the repository',
      'README.md:3: docs/b.md: no such file',
      'README.md:5: ../shared/SPEC.md: outside the repository',
      'README.md:10: docs/c.md: no such file',
      'README.md:4: docs/a.md#nope: no heading makes #nope',
    ]);
    writeFileSync(path.join(root, 'docs', 'lonely.md'), '# Nobody links here\n');
    assert.deepEqual(unreachablePages(root, 'README.md', ['docs/a.md', 'docs/lonely.md']), ['docs/lonely.md']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('anchors follow GitHub: lower case, punctuation dropped, spaces as dashes, duplicates numbered', () => {
  const anchors = anchorsOf('# supd beside supervisord and PM2\n## `[alerts]`\n## Logs\n## Logs\n```\n# not a heading\n```\n');
  assert.deepEqual([...anchors], ['supd-beside-supervisord-and-pm2', 'alerts', 'logs', 'logs-1']);
});
