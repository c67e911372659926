import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isLoopback, parseListen } from '../../../src/config/listen-address.js';
import { hostNameOf, isHostAllowed, isJson, isSameOrigin, isSameSecret, readCookie } from '../../../src/http/auth.js';
import { describeAction, toRequest } from '../../../src/http/actions.js';

const tcp = parseListen('127.0.0.1:9190', '/')!;

test('listen: HOST:PORT, [v6]:PORT and unix:PATH; loopback is 127/8, ::1, localhost and unix sockets', () => {
  assert.deepEqual(parseListen('[::1]:80', '/'), { kind: 'tcp', host: '::1', port: 80 });
  assert.deepEqual(parseListen('unix:run/http.sock', '/srv'), { kind: 'unix', path: '/srv/run/http.sock' });
  assert.equal(parseListen('host:70000', '/'), null);
  for (const loop of ['127.0.0.1:1', '127.3.2.1:1', '[::1]:1', 'localhost:1', 'unix:/x']) assert.ok(isLoopback(parseListen(loop, '/')!), loop);
  for (const remote of ['0.0.0.0:1', '10.0.0.1:1', '[::]:1', 'example.com:1']) assert.ok(!isLoopback(parseListen(remote, '/')!), remote);
});

test('Host: the listen host and loopback names pass, any other name is refused (DNS rebinding)', () => {
  assert.equal(hostNameOf('[::1]:9190'), '::1');
  assert.equal(hostNameOf('bad host'), null);
  for (const host of ['127.0.0.1:9190', 'localhost:9190', 'LOCALHOST', '[::1]:9190']) assert.ok(isHostAllowed(host, tcp, false), host);
  for (const host of ['evil.test', 'evil.test:9190', '', undefined, '127.0.0.1.evil.test']) assert.ok(!isHostAllowed(host, tcp, false), String(host));
  assert.ok(isHostAllowed('myhost.example:9190', tcp, true), 'over TLS the certificate guards the name');
});

test('Origin must be the page itself; JSON only; secrets compared whole', () => {
  assert.ok(isSameOrigin('http://127.0.0.1:9190', '127.0.0.1:9190', false));
  assert.ok(!isSameOrigin('http://evil.test', '127.0.0.1:9190', false));
  assert.ok(!isSameOrigin('http://127.0.0.1:9190', '127.0.0.1:9190', true), 'https page, http origin');
  assert.ok(!isSameOrigin(undefined, '127.0.0.1:9190', false));
  assert.ok(isJson('application/json; charset=utf-8'));
  assert.ok(!isJson('text/plain'));
  assert.ok(!isJson('application/jsonp'));
  assert.equal(readCookie('a=1; supd_session=abc; b=2', 'supd_session'), 'abc');
  assert.ok(isSameSecret('abc', 'abc'));
  assert.ok(!isSameSecret('ab', 'abc'));
  assert.ok(!isSameSecret(undefined, 'abc'));
});

test('actions: only their own fields pass to the control request; the audit line says what to what', () => {
  const request = toRequest('restart', { targets: ['web:1'], cmd: 'shutdown', extra: 1 });
  assert.deepEqual(request, { id: 0, cmd: 'restart', targets: ['web:1'] });
  assert.equal(describeAction(request), 'restart web:1 via http');
  assert.equal(describeAction(toRequest('scale', { unit: 'web', count: 3 })), 'scale web 3 via http');
  assert.throws(() => toRequest('stop', {}), /name at least one target/);
  assert.throws(() => toRequest('stop', { targets: 'web' }), /"targets" must be an array/);
  assert.throws(() => toRequest('scale', []), /JSON object/);
});
