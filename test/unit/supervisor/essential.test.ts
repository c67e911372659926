// The code supd exits with when an essential process ends for good.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { essentialExitCode } from '../../../src/supervisor/essential.js';

const exit = (code: number | null, signal: NodeJS.Signals | null) => ({ code, signal, at: 0, durationMs: 0 });

test('its own exit code; 128 + the signal number; 1 for a fatal that never ran or exited 0', () => {
  assert.equal(essentialExitCode(exit(3, null), 'exited'), 3);
  assert.equal(essentialExitCode(exit(0, null), 'exited'), 0);
  assert.equal(essentialExitCode(exit(null, 'SIGKILL'), 'exited'), 137);
  assert.equal(essentialExitCode(exit(null, 'SIGTERM'), 'fatal'), 143);
  assert.equal(essentialExitCode(exit(7, null), 'fatal'), 7);
  assert.equal(essentialExitCode(exit(0, null), 'fatal'), 1);
  assert.equal(essentialExitCode(exit(null, null), 'fatal'), 1);
  assert.equal(essentialExitCode(null, 'fatal'), 1);
});
