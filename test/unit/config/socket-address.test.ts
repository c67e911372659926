import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffUnit } from '../../../src/config/diff.js';
import { parseConfigText } from '../../../src/config/load.js';
import { isHeldAddress, parseSocketAddress } from '../../../src/config/socket-address.js';
import { SupdError } from '../../../src/errors.js';

const parse = (text: string) => parseConfigText(text, '/srv/app/daemons.toml', { env: {} });

test('socket addresses: tcp with a name, an IPv4 or IPv6 literal and port 0; unix relative to the config dir', () => {
  const ok = (value: string) => {
    const parsed = parseSocketAddress('http', value, '/srv/app');
    assert.ok(parsed.ok, value);
    return parsed.spec;
  };
  assert.deepEqual(ok('tcp://127.0.0.1:8080'), { name: 'http', kind: 'tcp', address: 'tcp://127.0.0.1:8080', host: '127.0.0.1', port: 8080, path: null });
  assert.equal(ok('tcp://[::1]:0').address, 'tcp://[::1]:0');
  assert.equal(ok('tcp://[::1]:0').host, '::1');
  assert.equal(ok('tcp://localhost:80').host, 'localhost');
  assert.deepEqual(ok('unix:run/admin.sock'), { name: 'http', kind: 'unix', address: 'unix:/srv/app/run/admin.sock', host: null, port: null, path: '/srv/app/run/admin.sock' });
  assert.equal(ok('unix:/run/app.sock').path, '/run/app.sock');
  for (const bad of ['tcp://127.0.0.1', 'tcp://127.0.0.1:70000', 'http://x:80', `unix:/${'x'.repeat(120)}`]) assert.equal(parseSocketAddress('h', bad, '/').ok, false, bad);
});

test('ready.tcp tests a held socket when the port matches and the hosts overlap', () => {
  const spec = (value: string) => (parseSocketAddress('http', value, '/') as { spec: Parameters<typeof isHeldAddress>[1] }).spec;
  assert.ok(isHeldAddress('127.0.0.1:8080', spec('tcp://127.0.0.1:8080')));
  assert.ok(isHeldAddress('localhost:8080', spec('tcp://127.0.0.1:8080')));
  assert.ok(isHeldAddress('127.0.0.1:8080', spec('tcp://0.0.0.0:8080')));
  assert.ok(isHeldAddress('[::1]:8080', spec('tcp://[::]:8080')));
  assert.ok(!isHeldAddress('127.0.0.1:8081', spec('tcp://127.0.0.1:8080')));
  assert.ok(!isHeldAddress('10.0.0.1:8080', spec('tcp://127.0.0.1:8080')));
  assert.ok(!isHeldAddress('127.0.0.1:8080', spec('unix:a.sock')));
});

test('sockets: table order kept, methods inherit, the same address twice in one table and [defaults] refused', () => {
  const config = parse(`
[programs.app]
command = "app"
sockets = { http = "tcp://127.0.0.1:8080", admin = "unix:admin.sock" }
[programs.app.methods.web]
[programs.app.methods.worker]
sockets = {}
`);
  const [web, worker] = config.units;
  assert.deepEqual(web!.sockets.map((s) => `${s.name}=${s.address}`), ['http=tcp://127.0.0.1:8080', 'admin=unix:/srv/app/admin.sock']);
  assert.deepEqual(worker!.sockets, []);
  const refused = (text: string) => {
    try {
      parse(text);
    } catch (error) {
      return (error as SupdError).issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    }
    return '';
  };
  assert.match(refused('[programs.a]\ncommand = "a"\nsockets = { x = "tcp://127.0.0.1:80", y = "tcp://127.0.0.1:80" }\n'), /programs\.a\.sockets\.y: tcp:\/\/127\.0\.0\.1:80 is already in this table/);
  assert.match(refused('[defaults]\nsockets = { x = "tcp://127.0.0.1:80" }\n[programs.a]\ncommand = "a"\n'), /defaults/);
  assert.match(refused('[programs.a]\ncommand = "a"\nsockets = { "1x" = "tcp://127.0.0.1:80" }\n'), /LISTEN_FDNAMES/);
});

test('changing sockets restarts the copies (their fds are set at start)', () => {
  const unit = (sockets: string) => parse(`[programs.web]\ncommand = "web"\nsockets = ${sockets}\n`).units[0]!;
  const diff = diffUnit(unit('{ http = "tcp://127.0.0.1:80" }'), unit('{ http = "tcp://127.0.0.1:80", admin = "unix:a.sock" }'));
  assert.equal(diff.restart, true);
  assert.equal(diffUnit(unit('{ http = "tcp://127.0.0.1:80" }'), unit('{ http = "tcp://127.0.0.1:80" }')).kind, 'unchanged');
});
