// The schema is the single source of truth: it holds every key SPEC section 3 names, each with a
// description, closed tables everywhere, and docs/configuration.md's reference is generated from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REFERENCE_BEGIN, REFERENCE_END, renderConfigReference } from '../../../src/config/reference.js';
import { loadSchema, schemaAt } from '../../../src/config/schema.js';
import { problemsOf } from '../../helpers/config.js';
import { ROOT } from '../../helpers/paths.js';

type Node = Record<string, unknown>;

// SPEC section 3, table by table.
const SPEC_KEYS: Readonly<Record<string, readonly string[]>> = {
  program: [
    'command', 'args', 'processes', 'autostart', 'restart', 'success_exit_codes', 'start_secs', 'backoff', 'max_restarts',
    'restart_window', 'stop_signal', 'stop_timeout', 'kill_group', 'kill_mode', 'user', 'group', 'cwd', 'umask', 'env', 'env_file',
    'clear_env', 'stdout', 'stderr', 'watch', 'ready', 'health', 'max_memory', 'depends_on', 'hooks', 'schedule', 'timeout',
    'restart_strategy', 'methods',
  ],
  report: ['schedule', 'timezone', 'to', 'from', 'subject', 'only_on_problems', 'smtp', 'sendmail', 'file'],
  alerts: ['on', 'to', 'from', 'min_interval', 'crash_loop', 'smtp', 'sendmail', 'file'],
  'alerts/properties/crash_loop': ['restarts', 'window'],
  supervisor: ['state_dir', 'log_dir', 'log_level', 'shutdown_timeout', 'socket', 'pidfile', 'log'],
  logRotation: ['max_size', 'interval', 'keep', 'compress'],
  backoff: ['initial', 'max', 'factor', 'jitter'],
  'output/anyOf/1': ['file', 'max_size', 'interval', 'keep', 'compress', 'timestamps'],
  'watch/anyOf/1': ['paths', 'ignore', 'debounce'],
  ready: ['tcp', 'http', 'log', 'fd'],
  health: ['http', 'tcp', 'exec', 'interval', 'timeout', 'retries', 'start_period'],
  hooks: ['before_start', 'after_start', 'after_exit', 'on_fatal'],
};

// Not tables of daemons.toml: pools of shared key definitions that program, method and defaults $ref.
const KEY_POOLS = new Set(['processKeys', 'transportKeys']);

const keysOf = (def: string): string[] => Object.keys((schemaAt(`#/$defs/${def}`).properties ?? {}) as Node);

function resolveChain(node: Node): Node[] {
  const chain = [node];
  for (let current = node; typeof current.$ref === 'string' && chain.length < 10; ) chain.push((current = schemaAt(current.$ref)));
  return chain;
}

/** Every `properties` entry in the schema, as [where, key, node]. */
function allProperties(node: unknown, where: string, out: Array<[string, string, Node]> = []): Array<[string, string, Node]> {
  if (Array.isArray(node)) node.forEach((item, i) => allProperties(item, `${where}/${i}`, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key === 'properties') for (const [name, prop] of Object.entries(value as Record<string, Node>)) out.push([where, name, prop]);
      allProperties(value, `${where}/${key}`, out);
    }
  }
  return out;
}

for (const [def, keys] of Object.entries(SPEC_KEYS)) {
  test(`every SPEC key of ${def} is in the schema`, () => {
    const known = keysOf(def);
    assert.deepEqual(keys.filter((k) => !known.includes(k)), []);
  });
}

test('the top level holds supervisor, defaults, programs, reports and alerts only', () => {
  assert.deepEqual(Object.keys(loadSchema().properties as Node).sort(), ['alerts', 'defaults', 'programs', 'reports', 'supervisor']);
});

test('a method takes every program key but methods; [defaults] every one but command, methods, schedule, depends_on, sockets', () => {
  const program = keysOf('program');
  assert.deepEqual(keysOf('method').sort(), program.filter((k) => k !== 'methods').sort());
  // sockets: one address for every program would make them all share one socket.
  const notInDefaults = ['command', 'methods', 'schedule', 'depends_on', 'sockets'];
  assert.deepEqual(keysOf('defaults').sort(), program.filter((k) => !notInDefaults.includes(k)).sort());
});

test('a key means the same in a program, a method and [defaults]', () => {
  const program = schemaAt('#/$defs/program').properties as Record<string, Node>;
  for (const def of ['method', 'defaults']) {
    for (const [key, node] of Object.entries(schemaAt(`#/$defs/${def}`).properties as Record<string, Node>)) {
      assert.deepEqual(node, program[key], `${def}.${key}`);
    }
  }
});

test('every property has a description, directly or through its $ref', () => {
  const missing = allProperties(loadSchema(), '#')
    .filter(([, , node]) => !resolveChain(node).some((n) => typeof n.description === 'string' && n.description.length > 0))
    .map(([where, key]) => `${where}.${key}`);
  assert.deepEqual(missing, []);
});

test('every table is closed (additionalProperties: false), so unknown keys are errors', () => {
  const open: string[] = [];
  const visit = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    if (n.properties !== undefined && n.additionalProperties !== false && !KEY_POOLS.has(where.split('/').at(-1)!)) open.push(where);
    for (const [key, value] of Object.entries(n)) visit(value, `${where}/${key}`);
  };
  visit(loadSchema(), '#');
  assert.deepEqual(open, []);
});

test('[defaults] refuses command, methods, schedule and depends_on', () => {
  for (const [key, value] of [['command', '"x"'], ['methods', '{}'], ['schedule', '"* * * * *"'], ['depends_on', '[]']]) {
    assert.deepEqual(problemsOf(`[defaults]\n${key} = ${value}\n`), [`defaults.${key}: unknown key`]);
  }
});

test("docs/configuration.md's config reference is the one generated from the schema (run npm run docs)", () => {
  const page = readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const start = page.indexOf(REFERENCE_BEGIN);
  const end = page.indexOf(REFERENCE_END);
  assert.ok(start !== -1 && end > start, 'docs/configuration.md has no config-reference markers');
  assert.equal(page.slice(start, end + REFERENCE_END.length), renderConfigReference());
});

test('the generated reference has a row for every program key', () => {
  const reference = renderConfigReference();
  for (const key of SPEC_KEYS.program!) assert.match(reference, new RegExp(`^\\| \`${key}\` \\|`, 'm'), key);
});
