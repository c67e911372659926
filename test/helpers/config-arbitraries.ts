// fast-check generators of daemons.toml texts, valid and broken, shared by the config property
// test (test/unit/config) and the bad-input reliability test: mutations of a few valid bases
// (structural: delete, negate, set, add, rename a key; textual: insert, cut, truncate, repeat a
// line), and the property every text must keep: it loads, or fails with located issues.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfigText } from '../../src/config/load.js';
import type { SupdConfig } from '../../src/config/types.js';
import { isSupdError, type ConfigIssue } from '../../src/errors.js';
import { toToml, type TomlTable, type TomlValue } from './to-toml.js';

export const FILE = '/abs/dir/daemons.toml';
export const ENV = { HOME: '/root', EMPTY: '', PORT: '8080' };

export const BASES: readonly TomlTable[] = [
  {
    supervisor: { log_level: 'info', shutdown_timeout: '10s' },
    defaults: { restart: 'always', stop_timeout: '5s' },
    programs: {
      web: { command: 'node web.js', processes: 2, env: { PORT: '${PORT:-8080}' } },
      app: { command: ['node', 'app.js'], methods: { mailer: { processes: 3 }, importer: { args: ['importer', '--batch', '100'] } } },
      flaky: { command: 'node flaky.js', start_secs: '2s', backoff: { initial: '1s', max: '30s' } },
    },
  },
  {
    defaults: { env: { A: '1' }, backoff: { factor: 3 }, processes: 1 },
    programs: {
      all: {
        command: "php -d 'memory_limit=1G' artisan",
        args: ['--env', 'prod'],
        processes: 0,
        autostart: false,
        restart: 'on-failure',
        success_exit_codes: [0, 2],
        start_secs: 1.5,
        backoff: { initial: '250ms', max: '1h', factor: 1.5, jitter: 0 },
        max_restarts: 5,
        restart_window: '5m',
        stop_signal: 'QUIT',
        stop_timeout: 30,
        kill_group: false,
        user: 'www-data',
        group: 33,
        cwd: 'srv',
        umask: '022',
        env: { B: 'x', N: 3, T: true },
        env_file: [],
        clear_env: true,
        methods: { work: { processes: 2, env: { C: '$$' } } },
      },
    },
  },
  // Valid but for keys not built yet: mutations here reach the normalizer's other branches.
  {
    supervisor: { log: { max_size: '10M', keep: 3 } },
    programs: {
      web: {
        command: 'node web.js',
        processes: 2,
        stdout: { file: 'logs/web-{index}.log', max_size: '1G', interval: '1d' },
        stderr: 'merge',
        watch: { paths: ['src'], ignore: ['*.tmp'], debounce: '1s' },
        ready: { http: 'http://localhost:8080/' },
        health: { exec: 'curl -f localhost', retries: 2 },
        max_memory: '512M',
        hooks: { before_start: ['true'], timeout: '5s' },
        restart_strategy: 'rolling',
      },
      job: { command: 'node job.js', schedule: '0 3 * * *', timeout: '1h', timezone: 'UTC', depends_on: ['web'] },
    },
    reports: { daily: { schedule: '0 8 * * *', to: ['ops@example.com'], file: 'reports/status.txt' } },
    alerts: { to: ['ops@example.com'], smtp: 'smtp://localhost:25', crash_loop: { restarts: 3 } },
  },
];

const WORDS = [
  '10s', '250ms', '1.5s', '-1s', '10M', '1G', 'SIGTERM', 'TERM', 'KILL', 'always', 'on-failure', '0 8 * * *',
  '${HOME}', '${NOPE}', '${NOPE:-x}', '${EMPTY:-${HOME}}', '$$', '${', 'a|b', "'", '"', '\\', '', ' ', 'web', 'app',
  '__proto__', 'constructor', 'merge', 'node web.js', 'smtp://localhost', '022', '{index}.log', '1979-05-27',
];
const KEYS = [
  'command', 'args', 'processes', 'methods', 'env', 'backoff', 'initial', 'schedule', 'depends_on', 'stdout', 'file',
  'programs', 'defaults', 'supervisor', 'reports', 'foo', '__proto__', 'constructor', 'toString', 'web', 'a.b', '', 'клю',
];

export const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
export const scalar: fc.Arbitrary<TomlValue> = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 8, unit: 'binary' }),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double(),
  fc.boolean(),
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
);
export const value: fc.Arbitrary<TomlValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(key, scalar, { maxKeys: 3 }) },
);

export type Mutation =
  | { kind: 'delete' | 'negate'; at: number }
  | { kind: 'set'; at: number; value: TomlValue }
  | { kind: 'add'; at: number; key: string; value: TomlValue }
  | { kind: 'rename'; at: number; key: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('negate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key, value }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key }),
);

export type TextMutation = { kind: 'insert'; at: number; text: string } | { kind: 'cut'; at: number; length: number } | { kind: 'truncate'; at: number } | { kind: 'repeat-line'; at: number };

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('[', ']', '=', '"', "'", '\n', '{', '.', '#', '\\', '[[a]]\n')) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeat-line' as const), at: fc.nat() }),
);

type Container = TomlTable | TomlValue[];
interface Place {
  readonly parent: Container;
  readonly key: string | number;
}

/** Every value in the document, with its parent, so a mutation can pick one by index. */
function places(node: Container, out: Place[] = []): Place[] {
  for (const [k, v] of Object.entries(node)) {
    out.push({ parent: node, key: Array.isArray(node) ? Number(k) : k });
    if (typeof v === 'object' && !(v instanceof Date)) places(v, out);
  }
  return out;
}

// Defined, not assigned: a key named __proto__ must become a key, not the table's prototype.
function defineKey(table: TomlTable, key: string, value: TomlValue): void {
  Object.defineProperty(table, key, { value, enumerable: true, writable: true, configurable: true });
}

export function applyMutation(doc: TomlTable, m: Mutation): void {
  const all = places(doc);
  if (all.length === 0) return;
  const { parent, key: at } = all[m.at % all.length]!;
  const current = (parent as Record<string | number, TomlValue>)[at];
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(at as number, 1);
    else delete parent[at as string];
  } else if (m.kind === 'negate') {
    if (typeof current === 'number') (parent as Record<string | number, TomlValue>)[at] = -current;
  } else if (m.kind === 'set') {
    (parent as Record<string | number, TomlValue>)[at] = m.value;
  } else if (m.kind === 'add') {
    if (typeof current === 'object' && !Array.isArray(current) && !(current instanceof Date)) defineKey(current, m.key, m.value);
  } else if (m.kind === 'rename' && !Array.isArray(parent) && !(m.key in parent)) {
    delete parent[at as string];
    defineKey(parent, m.key, current!);
  }
}

export function applyTextMutation(text: string, m: TextMutation): string {
  const at = m.at % (text.length + 1);
  if (m.kind === 'insert') return text.slice(0, at) + m.text + text.slice(at);
  if (m.kind === 'cut') return text.slice(0, at) + text.slice(at + m.length);
  if (m.kind === 'truncate') return text.slice(0, at);
  const lines = text.split('\n');
  lines.splice(m.at % lines.length, 0, lines[m.at % lines.length]!);
  return lines.join('\n');
}

/** The property: a config, or a located SUPD_E_CONFIG_INVALID; never anything else. */
export function assertLoadsOrLocatedError(text: string): SupdConfig | readonly ConfigIssue[] {
  let error: unknown;
  try {
    return parseConfigText(text, FILE, { env: ENV, displayName: 'daemons.toml' });
  } catch (caught) {
    error = caught;
  }
  assert.ok(isSupdError(error), `not a SupdError: ${(error as Error)?.stack ?? String(error)}\n--- text:\n${text}`);
  assert.equal(error.code, 'SUPD_E_CONFIG_INVALID');
  assert.ok(error.issues.length > 0, 'an error without issues');
  for (const issue of error.issues) {
    assert.equal(issue.file, 'daemons.toml');
    assert.ok(typeof issue.message === 'string' && issue.message.length > 0, 'an issue without message');
    assert.ok(issue.line !== undefined || issue.path !== undefined, `an issue without place: ${JSON.stringify(issue)}`);
    // A key path is always one the text has, so its line is known too.
    assert.ok(Number.isInteger(issue.line) && issue.line! >= 1, `an issue without line: ${JSON.stringify(issue)}`);
  }
  return error.issues;
}

/** A config text: a base with 1-4 structural mutations, and in a third of the cases 1-2 textual ones. */
export const mutatedConfigText: fc.Arbitrary<string> = fc
  .tuple(
    fc.nat({ max: BASES.length - 1 }),
    fc.array(mutation, { minLength: 1, maxLength: 4 }),
    // Text mutations mostly end in a TOML syntax error, so only a third of the runs get one.
    fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(textMutation, { minLength: 1, maxLength: 2 }) }),
  )
  .map(([base, mutations, textMutations]) => {
    const doc = structuredClone(BASES[base]!);
    for (const m of mutations) applyMutation(doc, m);
    return textMutations.reduce(applyTextMutation, toToml(doc));
  });
