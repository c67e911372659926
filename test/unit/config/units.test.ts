import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatSize, normalizeSignal, parseDuration, parseSize, parseUmask } from '../../../src/config/units.js';

test('durations: ms s m h d, a bare number or unitless string is seconds, fractions allowed', () => {
  const cases: Array<[string | number, number]> = [
    ['250ms', 250],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    ['0.5m', 30_000],
    [' 2 s ', 2000],
    ['7', 7000],
    ['0', 0],
    [3, 3000],
    [0.25, 250],
  ];
  for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, `${JSON.stringify(input)}`);
});

test('a duration the schema would refuse throws', () => {
  for (const bad of ['', 'soon', '10 seconds', '-1s', '1w', 's']) assert.throws(() => parseDuration(bad), { name: 'SupdError', code: 'SUPD_E_INTERNAL', message: `not a duration: ${bad}` }, bad);
});

test('sizes: binary K M G T, with or without B or iB, any case; a bare number is bytes', () => {
  const cases: Array<[string | number, number]> = [
    ['512K', 512 * 1024],
    ['10M', 10 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['2T', 2 * 1024 ** 4],
    ['10MB', 10 * 1024 ** 2],
    ['10MiB', 10 * 1024 ** 2],
    ['10mib', 10 * 1024 ** 2],
    ['1.5k', 1536],
    ['100B', 100],
    ['100', 100],
    [4096, 4096],
  ];
  for (const [input, bytes] of cases) assert.equal(parseSize(input), bytes, `${JSON.stringify(input)}`);
});

test('a size the schema would refuse throws', () => {
  for (const bad of ['', 'lots', '10X', '-1K', 'K']) assert.throws(() => parseSize(bad), { name: 'SupdError', code: 'SUPD_E_INTERNAL', message: `not a size: ${bad}` }, bad);
});

test('signals: with or without SIG, any case; IOT and POLL are their Linux names', () => {
  assert.equal(normalizeSignal('TERM'), 'SIGTERM');
  assert.equal(normalizeSignal('SIGTERM'), 'SIGTERM');
  assert.equal(normalizeSignal('usr1'), 'SIGUSR1');
  assert.equal(normalizeSignal('IOT'), 'SIGABRT');
  assert.equal(normalizeSignal('SIGPOLL'), 'SIGIO');
});

test('umask is octal', () => {
  assert.equal(parseUmask('022'), 0o022);
  assert.equal(parseUmask('0027'), 0o027);
  assert.equal(parseUmask('777'), 0o777);
});

test('formatDuration prints the largest two units', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(1500), '1.5s');
  assert.equal(formatDuration(10_000), '10s');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(300_000), '5m');
  assert.equal(formatDuration(3_660_000), '1h1m');
  assert.equal(formatDuration(90_000_000), '1d1h');
});

test('formatSize prints binary units', () => {
  assert.equal(formatSize(100), '100B');
  assert.equal(formatSize(1536), '1.5K');
  assert.equal(formatSize(10 * 1024 ** 2), '10M');
  assert.equal(formatSize(3 * 1024 ** 3), '3.0G');
});
