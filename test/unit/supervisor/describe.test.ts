import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayUnit } from '../../../src/supervisor/describe.js';
import { parse, unitOf, web } from '../../helpers/config.js';

test('displayUnit: the config after defaults in the config\'s words, env values hidden', () => {
  const unit = unitOf(parse(web('env = { TOKEN = "secret", PORT = "80" }\nstop_timeout = "1500ms"\nmax_memory = "512M"\numask = "022"\nrestart_window = "2h"')), 'web');
  const shown = displayUnit(unit);
  assert.deepEqual(shown.command, ['node', 'web.js']);
  assert.equal(shown.stop_timeout, '1500ms');
  assert.equal(shown.start_secs, '1s');
  assert.equal(shown.restart_window, '2h');
  assert.equal(shown.max_memory, '512M');
  assert.equal(shown.umask, '0022');
  assert.deepEqual(shown.backoff, { initial: '1s', max: '1m', factor: 2, jitter: 0.1 });
  assert.deepEqual(shown.env, { TOKEN: '(hidden)', PORT: '(hidden)' });
  assert.equal((shown.stdout as Record<string, unknown>).max_size, '10M');
  assert.ok(!JSON.stringify(shown).includes('secret'));
  assert.ok(!('argv' in shown) && !('stopTimeoutMs' in shown) && !('name' in shown));
});
