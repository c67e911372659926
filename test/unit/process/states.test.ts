import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLegalTransition, PROCESS_STATES, TRANSITIONS, type ProcessState } from '../../../src/process/states.js';

const LEGAL: Array<[ProcessState, ProcessState]> = [
  ['stopped', 'starting'], ['stopped', 'waiting'],
  ['starting', 'running'], ['starting', 'backoff'], ['starting', 'stopping'], ['starting', 'exited'], ['starting', 'fatal'], ['starting', 'waiting'], ['starting', 'stopped'],
  ['running', 'starting'], ['running', 'backoff'], ['running', 'stopping'], ['running', 'exited'], ['running', 'fatal'], ['running', 'waiting'], ['running', 'stopped'],
  ['backoff', 'starting'], ['backoff', 'stopped'],
  ['stopping', 'stopped'],
  ['exited', 'starting'], ['exited', 'stopped'], ['exited', 'waiting'],
  ['fatal', 'starting'], ['fatal', 'stopped'], ['fatal', 'waiting'],
  ['waiting', 'starting'], ['waiting', 'stopped'],
];

test('every legal transition is in the table, and nothing else is', () => {
  for (const [from, to] of LEGAL) assert.ok(isLegalTransition(from, to), `${from} -> ${to}`);
  const count = Object.values(TRANSITIONS).reduce((n, list) => n + list.length, 0);
  assert.equal(count, LEGAL.length);
});

test('illegal transitions are refused', () => {
  for (const [from, to] of [['stopped', 'running'], ['stopping', 'running'], ['stopped', 'stopping'], ['backoff', 'running'], ['waiting', 'running']] as const) {
    assert.equal(isLegalTransition(from, to), false, `${from} -> ${to}`);
  }
  for (const state of PROCESS_STATES) assert.equal(isLegalTransition(state, state), false, `${state} -> itself`);
});
