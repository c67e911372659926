import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TransportSpec } from '../../../src/config/types.js';
import type { MailMessage } from '../../../src/reports/message.js';
import { Outbox } from '../../../src/reports/outbox.js';
import type { Delivery } from '../../../src/reports/transport.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const SMTP: TransportSpec = { kind: 'smtp', url: 'smtp://127.0.0.1:1' };
const message = (subject: string): MailMessage => ({ from: 'a@b', to: ['c@d'], subject, text: 't', html: 'h' });
const flush = () => new Promise((resolve) => setImmediate(resolve));

function recorder() {
  const lines: string[] = [];
  const log = { debug: () => undefined, info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
  return { lines, log };
}

test('a failed mail is retried with backoff, logged each time, then sent', async () => {
  const clock = new FakeClock();
  const { lines, log } = recorder();
  let calls = 0;
  const deliver = async (): Promise<Delivery> => {
    if (++calls <= 2) throw Object.assign(new Error('Message failed'), { response: '451 try later' });
    return { accepted: ['c@d'], rejected: [], response: '250 OK' };
  };
  const outbox = new Outbox(deliver, log, { initialMs: 1000, maxMs: 60_000, attempts: 5 }, clock.schedule);
  outbox.post('alert', SMTP, message('s'));
  await flush();
  assert.equal(calls, 1);
  clock.advance(999);
  await flush();
  assert.equal(calls, 1, 'waits 1 s');
  clock.advance(1);
  await flush();
  assert.equal(calls, 2);
  clock.advance(2000);
  await flush();
  assert.equal(calls, 3);
  assert.equal(outbox.size, 0);
  assert.deepEqual(lines.map((l) => l.split(':')[0]), ['warn alert', 'warn alert', 'info alert']);
  assert.match(lines[0]!, /Message failed \(451 try later\); try 2 of 5 in 1000 ms/);
  assert.match(lines[1]!, /try 3 of 5 in 2000 ms/);
});

test('gives up after the last try; never throws', async () => {
  const clock = new FakeClock();
  const { lines, log } = recorder();
  const outbox = new Outbox(async () => Promise.reject(new Error('connect ECONNREFUSED')), log, { initialMs: 10, maxMs: 20, attempts: 3 }, clock.schedule);
  outbox.post('report daily', SMTP, message('s'));
  for (let i = 0; i < 5; i++) {
    await flush();
    clock.advance(100);
  }
  assert.equal(outbox.size, 0);
  assert.match(lines.at(-1)!, /^error report daily: cannot send "s": connect ECONNREFUSED; gave up after 3 tries/);
});

test('at most 20 mails wait: the oldest waiting one is dropped', async () => {
  const clock = new FakeClock();
  const { lines, log } = recorder();
  const outbox = new Outbox(async () => Promise.reject(new Error('down')), log, { initialMs: 60_000, maxMs: 60_000, attempts: 10 }, clock.schedule);
  for (let i = 0; i < 25; i++) {
    outbox.post('report r', SMTP, message(`m${i}`));
    await flush();
  }
  assert.equal(outbox.size, 20);
  assert.equal(lines.filter((l) => l.includes('dropped')).length, 5);
  assert.match(lines.find((l) => l.includes('dropped'))!, /"m0"/);
  outbox.close();
  assert.equal(clock.pending, 0);
});
