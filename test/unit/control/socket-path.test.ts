import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { findSocketPath } from '../../../src/control/socket-path.js';
import { makeTempDir } from '../../helpers/temp.js';

// The CLI reads [supervisor] socket/state_dir as plain TOML; a file that names neither skips
// the parser, so each way of naming them must still be read.
test('the socket comes from [supervisor] socket or state_dir, else .supd beside the config', (t) => {
  const temp = makeTempDir();
  t.after(() => temp.remove());
  const cases: Array<[string, string]> = [
    ['[programs.web]\ncommand = "sleep 1"\n', '.supd/supd.sock'],
    ['[supervisor]\nstate_dir = "state"\n', 'state/supd.sock'],
    ['[supervisor]\nsocket = "run/s.sock"\n', 'run/s.sock'],
    ['supervisor.socket = "dotted.sock"\n', 'dotted.sock'],
    ['[supervisor]\n"sock\\u0065t" = "escaped.sock"\n', 'escaped.sock'],
    ['[supervisor]\nstate_dir = \n', '.supd/supd.sock'],
  ];
  for (const [text, expected] of cases) {
    const file = temp.write('daemons.toml', text);
    assert.equal(findSocketPath(undefined, {}, file), path.join(temp.dir, expected), text);
  }
});

test('--socket and $SUPD_SOCKET come before the config file', () => {
  assert.equal(findSocketPath('/tmp/a.sock', { SUPD_SOCKET: '/tmp/b.sock' }, '/nonexistent/daemons.toml'), '/tmp/a.sock');
  assert.equal(findSocketPath(undefined, { SUPD_SOCKET: '/tmp/b.sock' }, '/nonexistent/daemons.toml'), '/tmp/b.sock');
});
