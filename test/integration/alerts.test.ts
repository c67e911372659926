import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { closedPort, startSmtpServer } from '../helpers/smtp.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
// Exits at once, is respawned once after 50 ms, exits again: fatal within a few hundred ms.
const doomed = (name: string, extra = '') => `
[programs.${name}]
command = ["/bin/sh", "-c", "exit 3"]
start_secs = "1s"
max_restarts = 1
backoff = { initial = "50ms", max = "50ms", jitter = 0 }
${extra}
`;

describe('alerts', () => {
  test('one fatal makes one alert; five fatals within a second make one batched alert', async (t) => {
    const smtp = await startSmtpServer();
    t.after(() => smtp.close());
    await withSupd(`${doomed('one')}${doomed('five', 'processes = 5\nautostart = false')}
[alerts]
to = ["ops@example.com"]
smtp = "${smtp.url}"
min_interval = "1s"
`, async (supd) => {
      const first = await waitFor(() => smtp.mails[0], { timeoutMs: 10_000, what: 'the first alert' });
      assert.match(first.subject, /^supd alert on .+: fatal one:0$/);
      assert.match(first.text, /UTC  fatal\s+one:0\s+exit 3; 1 restarts within/);
      assert.match(first.html, />one:0<\/td>/);
      const fatalAt = Date.parse((await supd.proc('one:0')).last_exit_at!);
      t.diagnostic(`alert arrived ${first.at - fatalAt} ms after the fatal exit`);

      assert.equal((await supd.cli('start', 'five', '--no-wait')).code, 0);
      const fatals = await waitFor(async () => {
        const five = (await supd.status()).processes.filter((p) => p.program === 'five' && p.state === 'fatal');
        return five.length === 5 ? five.map((p) => Date.parse(p.last_exit_at!)).sort((a, b) => a - b) : null;
      }, { what: 'five fatals' });
      // One mail needs the fatals within a second of each other (alerts batch on a second of
      // quiet); a loaded machine can spread them wider: then each fatal is in one of the mails.
      const widestGap = Math.max(...fatals.slice(1).map((at, i) => at - fatals[i]!));
      t.diagnostic(`five fatals within ${fatals[4]! - fatals[0]!} ms, widest gap ${widestGap} ms`);
      if (widestGap > 900) {
        const mailed = (i: number) => smtp.mails.slice(1).filter((m) => new RegExp(`UTC  fatal\\s+five:${i}\\s`).test(m.text)).length;
        return void (await waitFor(() => [0, 1, 2, 3, 4].every((i) => mailed(i) === 1), { timeoutMs: 15_000, what: 'each fatal in one mail' }));
      }
      const batch = await waitFor(() => smtp.mails[1], { timeoutMs: 10_000, what: 'the second alert' });
      assert.equal(smtp.mails.length, 2);
      assert.match(batch.subject, /^supd alert on .+: 5 alerts: fatal five:\d, fatal five:\d, fatal five:\d, \+2 more$/);
      for (let i = 0; i < 5; i++) assert.match(batch.text, new RegExp(`UTC  fatal\\s+five:${i}\\s`));
      assert.match(batch.text, /^5 alerts:$/m);
      await waitFor(() => supd.supdLog().match(/alert: sent/g)?.length === 2, { what: 'two alerts sent in supd.log' });
      assert.equal(smtp.mails.length, 2);
    });
  });

  test('a server that refuses: the alert is retried with backoff while supd answers; report --send says whether it was accepted', async (t) => {
    let refusing = true;
    const smtp = await startSmtpServer({ refuse: () => (refusing ? '451 4.3.0 mailbox busy, try later' : null) });
    t.after(() => smtp.close());
    const dead = await closedPort();
    await withSupd(`
[programs.ok]
command = [${node}, "${BIN}/forever.js"]
start_secs = "200ms"
${doomed('one')}
[reports.mail]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
smtp = "${smtp.url}"
[reports.dead]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
smtp = "smtp://127.0.0.1:${dead}"
[alerts]
to = ["ops@example.com"]
smtp = "${smtp.url}"
`, async (supd) => {
      await waitFor(() => /alert: cannot send "supd alert on .*: fatal one:0": .*mailbox busy.*; try 2 of 10 in 1000 ms/.test(supd.supdLog()), { what: 'a refused alert in supd.log' });
      assert.equal((await supd.proc('ok:0')).state, 'running', 'status answers while mail fails');

      const refused = await supd.cli('report', 'mail', '--send');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^report mail: not sent: .*451.*mailbox busy/m);
      const unreachable = await supd.cli('report', 'dead', '--send');
      assert.equal(unreachable.code, 1);
      assert.match(unreachable.stderr, /^report dead: not sent: .*ECONNREFUSED/m);
      assert.equal((await supd.cli('report', 'nope')).code, 1);
      assert.match((await supd.cli('report', 'nope')).stderr, /no report named nope \(known: mail, dead\)/);

      refusing = false;
      // The next try comes after the delay supd.log gave for it (1 s, 2 s, 4 s ...): on a slow
      // machine the calls above take long enough to reach a long one (or its double, if a try was under way).
      const delays = [...supd.supdLog().matchAll(/alert: cannot send .* in (\d+) ms/g)].map((m) => Number(m[1]));
      t.diagnostic(`retries announced before the server accepts: in ${delays.join(', ')} ms`);
      const alert = await waitFor(() => smtp.mails.find((m) => m.subject.includes('fatal one:0')), { timeoutMs: 2 * Math.max(...delays) + 10_000, what: 'the alert, once the server accepts' });
      assert.match(alert.text, /UTC  fatal\s+one:0\s/);
      assert.ok(smtp.rcptAttempts >= 3, `${smtp.rcptAttempts} tries`);
      await waitFor(() => /alert: sent "supd alert on .*: fatal one:0" \(250 /.test(supd.supdLog()), { what: 'the alert sent, in supd.log' });

      const sent = await supd.cli('report', 'mail', '--send');
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^report mail: sent \(250 /m);
      assert.ok(smtp.mails.some((m) => m.subject === `supd on ${hostname()}: 1 running, 1 fatal; 2 crashes, 1 fatal`), smtp.mails.map((m) => m.subject).join('; '));
      const printed = await supd.cli('report');
      assert.equal(printed.code, 0);
      assert.match(printed.stdout, /^supd report "mail" on /m);
      assert.match(printed.stdout, /^supd report "dead" on /m);
    });
  });
});
