// Random mutations of valid configs never make the loader fail with anything but a located
// config error: a SupdError SUPD_E_CONFIG_INVALID whose every issue names the file and a place.
// The generators are shared with test/reliability/bad-config.test.ts (10,000 runs there).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseConfigText } from '../../../src/config/load.js';
import { transientModules } from '../../../src/config/transient-require.js';
import { assertLoadsOrLocatedError, BASES, ENV, FILE, mutatedConfigText } from '../../helpers/config-arbitraries.js';
import { toToml } from '../../helpers/to-toml.js';

test('the base configs load', () => {
  for (const base of BASES) assert.ok(parseConfigText(toToml(base), FILE, { env: ENV }).units.length > 0);
});

test('random mutations of valid configs give a config or a located config error', () => {
  // One scope for the 1,000 loads: the parsers are required once (transient-require.ts).
  transientModules(() =>
    fc.assert(
      fc.property(mutatedConfigText, (text) => {
        assertLoadsOrLocatedError(text);
      }),
      { numRuns: 1000 },
    ),
  );
});
