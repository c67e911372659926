import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFINITION_KEYS, describeUnitDiff, diffConfigs, LIVE_KEYS, LOG_KEYS } from '../../../src/config/diff.js';
import { parseConfigText } from '../../../src/config/load.js';
import type { SupdConfig, UnitSpec } from '../../../src/config/types.js';

const parse = (text: string): SupdConfig => parseConfigText(text, '/srv/app/daemons.toml', { env: {} });
const base = `
[programs.a]
command = "a"
[programs.b]
command = "b"
env = { TEST_COLOR = "red" }
[programs.c]
command = "c"
processes = 2
[programs.app]
command = "app"
[programs.app.methods.mailer]
processes = 2
`;

function diffOf(before: string, after: string) {
  const old = parse(before);
  const next = parse(after);
  const diff = diffConfigs(old.units, old.supervisor, next);
  return { diff, lines: diff.units.map((d) => describeUnitDiff(d, d.restart ? d.unit.processes : 0)) };
}

test('nothing changed: every unit unchanged', () => {
  const { lines, diff } = diffOf(base, base);
  assert.deepEqual(lines, ['unchanged a', 'unchanged b', 'unchanged c', 'unchanged app.mailer']);
  assert.deepEqual(diff.refused, []);
  assert.equal(diff.supervisorChanged, false);
});

test('added, removed, env changed, scaled: the lines SPEC section 5 names', () => {
  const after = base.replace('[programs.a]\ncommand = "a"\n', '').replace('TEST_COLOR = "red"', 'TEST_COLOR = "blue"').replace('processes = 2\n[programs.app]', 'processes = 3\n[programs.app]') + '[programs.d]\ncommand = "d"\n';
  const { lines } = diffOf(base, after);
  assert.deepEqual(lines, ['changed b (restarted 1)', 'scaled c 2 -> 3', 'unchanged app.mailer', 'added d', 'removed a']);
});

test('a method is a unit of its own', () => {
  const { lines } = diffOf(base, base.replace('[programs.app.methods.mailer]\nprocesses = 2', '[programs.app.methods.mailer]\nprocesses = 2\nargs = ["send"]'));
  assert.deepEqual(lines.filter((l) => !l.startsWith('unchanged')), ['changed app.mailer (restarted 2)']);
});

test('a change only to log settings reopens logs without a restart', () => {
  const { diff, lines } = diffOf(base, `[supervisor]\nlog_dir = "other-logs"\n${base}`);
  const a = diff.units.find((d) => d.name === 'a')!;
  assert.equal(a.logs, true);
  assert.equal(a.restart, false);
  assert.equal(lines[0], 'changed a (applied without restart)');
  assert.deepEqual(diff.refused, [], 'log_dir applies live');
});

test('stderr to or from "merge" restarts (fd 2 is set at start); other log changes do not', () => {
  const merged = base.replace('command = "a"', 'command = "a"\nstderr = "merge"');
  const on = diffOf(base, merged).diff.units.find((d) => d.name === 'a')!;
  const off = diffOf(merged, base).diff.units.find((d) => d.name === 'a')!;
  assert.deepEqual([on.restart, on.logs, off.restart, off.logs], [true, true, true, true]);
  const sized = diffOf(merged, merged.replace('stderr = "merge"', 'stderr = "merge"\nstdout = { max_size = "1M" }')).diff.units.find((d) => d.name === 'a')!;
  assert.deepEqual([sized.restart, sized.logs], [false, true]);
});

test('a change only to restart policy or backoff applies without a restart', () => {
  const { diff, lines } = diffOf(base, base.replace('command = "a"', 'command = "a"\nrestart = "on-failure"\nbackoff = { max = "5s" }'));
  const a = diff.units.find((d) => d.name === 'a')!;
  assert.deepEqual([a.kind, a.restart, a.live, a.logs], ['changed', false, true, false]);
  assert.equal(lines[0], 'changed a (applied without restart)');
});

test('a changed command, cwd, user, umask or environment restarts', () => {
  for (const extra of ['cwd = "/tmp"', 'user = "nobody"', 'umask = "077"', 'clear_env = true', 'args = ["x"]']) {
    const { diff } = diffOf(base, base.replace('command = "a"', `command = "a"\n${extra}`));
    assert.equal(diff.units[0]!.restart, true, extra);
  }
});

test('issue 13: stop, health, memory, hook, restart and backoff settings apply without a restart', () => {
  const extras = [
    'stop_signal = "SIGINT"', 'stop_timeout = "3s"', 'kill_group = false', 'kill_mode = "group"', 'health = { tcp = "127.0.0.1:9" }', 'max_memory = "1G"',
    'hooks = { after_exit = "true" }', 'restart = "never"', 'success_exit_codes = [0, 3]', 'backoff = { max = "5s" }', 'max_restarts = 3',
    'restart_window = "5m"', 'stdout = { max_size = "1M", keep = 2 }',
  ];
  for (const extra of extras) {
    const { diff, lines } = diffOf(base, base.replace('command = "a"', `command = "a"\n${extra}`));
    assert.equal(diff.units[0]!.restart, false, extra);
    assert.equal(lines[0], 'changed a (applied without restart)', extra);
  }
});

test('changed definition plus a new count: restarted and scaled in one line', () => {
  const { lines } = diffOf(base, base.replace('command = "c"\nprocesses = 2', 'command = "c2"\nprocesses = 4'));
  assert.equal(lines[2], 'changed c (restarted 4, scaled 2 -> 4)');
});

test('[supervisor] state_dir and socket are refused; log_level applies', () => {
  const { diff } = diffOf(base, `[supervisor]\nstate_dir = "/run/other"\nlog_level = "debug"\n${base}`);
  assert.deepEqual(diff.refused, ['supervisor.state_dir', 'supervisor.socket', 'supervisor.pidfile']);
  assert.equal(diff.supervisorChanged, true);
});

test('every unit key is sorted into exactly one kind of change', () => {
  const unit = parse(base).units[0]! as UnitSpec;
  const identity = ['name', 'program', 'method', 'processes'];
  const classified = [...DEFINITION_KEYS, ...LIVE_KEYS, ...LOG_KEYS, ...identity];
  assert.deepEqual([...classified].sort(), Object.keys(unit).sort());
  assert.equal(new Set(classified).size, classified.length);
});
