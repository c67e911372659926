import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { ipBytes, listenerServes, parseProcNetTcp, readListeners, socketInodes } from '../../../src/process/proc-net.js';
import { readTreePids } from '../../../src/process/proc.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const line = (local: string, state: string, inode: number): string =>
  `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

test('parseProcNetTcp keeps LISTEN sockets only, with address bytes, port and inode (little-endian words)', () => {
  const text = HEADER + line('0100007F:1F90', '0A', 111) + line('0100007F:1F91', '01', 222) + line('00000000:0050', '0A', 333);
  const found = parseProcNetTcp(text, true);
  assert.deepEqual(found.map((l) => [[...l.address].join('.'), l.port, l.inode]), [['127.0.0.1', 8080, 111], ['0.0.0.0', 80, 333]]);
  const big = parseProcNetTcp(HEADER + line('7F000001:1F90', '0A', 1), false);
  assert.equal([...big[0]!.address].join('.'), '127.0.0.1', 'big-endian words');
});

test('parseProcNetTcp reads tcp6: ::1, ::, and an IPv4-mapped address as IPv4', () => {
  const text = HEADER
    + line('00000000000000000000000001000000:1F90', '0A', 1)
    + line('00000000000000000000000000000000:1F91', '0A', 2)
    + line('0000000000000000FFFF00000100007F:1F92', '0A', 3);
  const [loop, any, mapped] = parseProcNetTcp(text, true);
  assert.ok(loop!.address.equals(ipBytes('::1')!));
  assert.ok(any!.address.equals(ipBytes('::')!));
  assert.equal(any!.address.length, 16);
  assert.deepEqual([...mapped!.address], [127, 0, 0, 1]);
});

test('ipBytes parses IPv4, IPv6 with :: and a dotted tail, and refuses the rest', () => {
  assert.deepEqual([...ipBytes('10.1.2.3')!], [10, 1, 2, 3]);
  assert.equal(ipBytes('fe80::1')!.toString('hex'), 'fe800000000000000000000000000001');
  assert.equal(ipBytes('2001:db8:0:0:0:0:0:2')!.toString('hex'), '20010db8000000000000000000000002');
  assert.deepEqual([...ipBytes('::ffff:192.168.0.1')!], [192, 168, 0, 1]);
  for (const bad of ['localhost', '256.1.1.1', '1::2::3', '1:2:3', 'g::1', '']) assert.equal(ipBytes(bad), null, bad);
});

test('listenerServes: same address, wildcards of the family (:: takes IPv4 too), the port', () => {
  const at = (address: string, port = 80) => ({ address: ipBytes(address)!, port, inode: 1 });
  const loop4 = [ipBytes('127.0.0.1')!];
  assert.ok(listenerServes(at('127.0.0.1'), loop4, 80));
  assert.ok(!listenerServes(at('127.0.0.1'), loop4, 81), 'another port');
  assert.ok(!listenerServes(at('10.0.0.1'), loop4, 80), 'another address');
  assert.ok(listenerServes(at('0.0.0.0'), loop4, 80));
  assert.ok(listenerServes(at('::'), loop4, 80), 'a dual-stack wildcard');
  assert.ok(!listenerServes(at('0.0.0.0'), [ipBytes('::1')!], 80), 'an IPv4 wildcard does not take IPv6');
  assert.ok(listenerServes(at('::1'), [ipBytes('127.0.0.1')!, ipBytes('::1')!], 80), 'localhost resolves to both');
  assert.ok(listenerServes(at('127.0.0.1'), [ipBytes('0.0.0.0')!], 80), 'a wildcard target takes any listener on the port');
});

test('readListeners and socketInodes find this process listening, and not another one', async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const mine = readListeners(process.pid).filter((l) => listenerServes(l, [ipBytes('127.0.0.1')!], port));
    assert.equal(mine.length, 1);
    assert.ok(socketInodes(readTreePids(process.pid)).has(mine[0]!.inode));
    assert.ok(!socketInodes([1]).has(mine[0]!.inode), 'pid 1 does not hold it');
  } finally {
    server.close();
  }
});
