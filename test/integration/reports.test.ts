import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES } from '../helpers/paths.js';
import { startSmtpServer } from '../helpers/smtp.js';
import { withSupd } from '../helpers/supd.js';
import { waitFor } from '../helpers/wait-for.js';

const BIN = path.join(FIXTURES, 'bin');
const node = JSON.stringify(process.execPath);
const forever = (name: string, extra = '') => `
[programs.${name}]
command = [${node}, "${BIN}/forever.js"]
start_secs = "200ms"
${extra}
`;
const row = (name: string, state: string) => new RegExp(`^${name.replace('.', '\\.')}\\s+${state}\\s`, 'm');

describe('reports', () => {
  test('a report every 2 s reaches a real SMTP server (with auth), with every process and its state, as text and HTML', async (t) => {
    const smtp = await startSmtpServer({ auth: { user: 'supd', pass: 's3cret' } });
    t.after(() => smtp.close());
    await withSupd(`${forever('web', 'processes = 2')}${forever('idle', 'autostart = false')}
[reports.often]
schedule = "*/2 * * * * *"
to = ["ops@example.com", "dev@example.com"]
from = "watch@example.com"
subject = "[{host}] supd: {summary}"
smtp = "${smtp.url}"
`, async (supd) => {
      const full = await waitFor(() => smtp.mails.find((m) => row('web:1', 'running').test(m.text)), { timeoutMs: 15_000, what: 'a report with web running' });
      assert.deepEqual([full.from, full.to], ['watch@example.com', ['ops@example.com', 'dev@example.com']]);
      assert.equal(full.subject, `[${hostname()}] supd: 2 running, 1 stopped`);
      for (const [name, state] of [['web:0', 'running'], ['web:1', 'running'], ['idle:0', 'stopped']] as const) {
        assert.match(full.text, row(name, state), full.text);
        const htmlRow = full.html.split('\n').find((l) => l.includes(`>${name}</td>`));
        assert.ok(htmlRow?.includes(`>${state}</td>`), `${name} ${state} in the HTML`);
      }
      assert.match(full.text, /^supd report "often" on /);
      const next = await waitFor(() => smtp.mails[smtp.mails.indexOf(full) + 1], { timeoutMs: 10_000, what: 'the next report' });
      // Ticks 2 s apart: the snapshots' own times differ by about 2 s, whatever the mail's latency
      // (a late first report can arrive well under 2 s before an on-time second one).
      const takenAt = (text: string): number => Date.parse(/^At (\S+ \S+) UTC;/m.exec(text)![1]!.replace(' ', 'T') + 'Z');
      const apart = takenAt(next.text) - takenAt(full.text);
      assert.ok(apart >= 1000 && apart <= 3000, `snapshots ${apart} ms apart`);
      const latencies = smtp.mails.map((m) => m.at % 2000);
      t.diagnostic(`${smtp.mails.length} reports; arrival after the tick: ${latencies.join(', ')} ms`);
      assert.match(supd.supdLog(), /report often: scheduled "\*\/2 \* \* \* \* \*"/);
      assert.match(supd.supdLog(), /report often: sent "\[.*\] supd: 2 running, 1 stopped" \(250 /);
    });
  });

  test('file transport: reports and crash-loop alerts appended to files; stops are not crashes; reloads are told', async () => {
    const config = `${forever('web')}
[programs.bad]
command = ["/bin/sh", "-c", "exit 2"]
start_secs = "1s"
backoff = { initial = "200ms", max = "200ms", jitter = 0 }

[reports.local]
schedule = "*/2 * * * * *"
to = ["me@localhost"]
file = "reports/status.txt"

[reports.piped]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
sendmail = "${BIN}/fake-sendmail.sh"

[reports.refused]
schedule = "0 0 1 1 *"
to = ["ops@example.com"]
sendmail = "/bin/false"

[alerts]
on = ["crash_loop"]
to = ["me@localhost"]
file = "reports/alerts.txt"
crash_loop = { restarts = 3, window = "10s" }
`;
    await withSupd(config, { env: { FAKE_SENDMAIL_OUT: 'sendmail.txt' } }, async (supd) => {
      const file = (name: string) => path.join(supd.dir, 'reports', name);
      const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');
      const alert = await waitFor(() => (read('alerts.txt').includes('crash loop') ? read('alerts.txt') : null), { timeoutMs: 10_000, what: 'a crash-loop alert' });
      assert.match(alert, /^Subject: supd alert on .*: crash loop bad:0$/m);
      assert.match(alert, /crash loop\s+bad:0\s+4 restarts within 10s/);
      const report = await waitFor(() => (/^web:0\s+running/m.test(read('status.txt')) ? read('status.txt') : null), { timeoutMs: 10_000, what: 'a report in the file' });
      assert.match(report, /^To: me@localhost$/m);
      assert.match(report, /^bad:0\s+(backoff|starting)\s/m);
      assert.match(report, /crash\s+bad:0\s+exit 2 after/);

      assert.equal((await supd.cli('stop', 'web')).code, 0);
      writeFileSync(supd.config, config.replace('schedule = "*/2 * * * * *"', 'schedule = "0 0 1 1 *"'));
      assert.equal((await supd.cli('reload')).code, 0);
      const printed = await supd.cli('report');
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^web:0\s+stopped\s/m);
      assert.doesNotMatch(printed.stdout, /crash\s+web:0/, 'a stop asked for is not a crash');
      assert.match(printed.stdout, /reload\s+-\s+config reloaded: changed report local$/m);
      await waitFor(() => /report local: scheduled "0 0 1 1 \*"/.test(supd.supdLog()), { what: 'the new schedule in supd.log' });
      const before = read('status.txt').length;
      const sent = await supd.cli('report', 'local', '--send');
      assert.equal(sent.code, 0, sent.stderr);
      assert.match(sent.stdout, /^report local: sent \(appended to .*status\.txt\)$/m);
      assert.ok(read('status.txt').length > before);

      const piped = await supd.cli('report', 'piped', '--send');
      assert.equal(piped.code, 0, piped.stderr);
      const eml = readFileSync(path.join(supd.dir, 'sendmail.txt'), 'utf8');
      assert.match(eml, /^ARGS: -i -f supd@\S+ ops@example\.com$/m);
      assert.match(eml, /^Subject: supd on .*: 1 stopped, 1 (backoff|starting); \d+ crash/m);
      assert.match(eml, /Content-Type: text\/html/);
      const refused = await supd.cli('report', 'refused', '--send');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^report refused: not sent: .*(exit|code)/mi);
    });
  });
});
