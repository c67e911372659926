import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigText } from '../../../src/config/load.js';
import { isSupdError } from '../../../src/errors.js';

const parse = (text: string) => parseConfigText(text, '/srv/app/daemons.toml', { env: {} });
const program = '[programs.a]\ncommand = "a"\n';

function issuesOf(text: string): string[] {
  try {
    parse(text);
  } catch (error) {
    if (isSupdError(error)) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

test('[reports] and [alerts] are accepted and normalized', () => {
  const config = parse(`${program}
[reports.daily]
schedule = "0 8 * * MON-FRI"
timezone = "Europe/Berlin"
to = ["ops@example.com"]
smtp = "smtps://u:p@mail.example.com:465"
[reports.local]
schedule = "*/30 * * * * *"
to = ["me@localhost"]
file = "reports/status.txt"
only_on_problems = true
[alerts]
on = ["fatal"]
to = ["ops@example.com"]
sendmail = "/usr/sbin/sendmail"
min_interval = "1m"
`);
  assert.deepEqual(config.reports.map((r) => [r.name, r.transport]), [
    ['daily', { kind: 'smtp', url: 'smtps://u:p@mail.example.com:465' }],
    ['local', { kind: 'file', path: '/srv/app/reports/status.txt' }],
  ]);
  assert.equal(config.reports[0]!.subject, 'supd on {host}: {summary}');
  assert.equal(config.reports[1]!.onlyOnProblems, true);
  assert.deepEqual(config.alerts, {
    on: ['fatal'],
    to: ['ops@example.com'],
    from: null,
    minIntervalMs: 60_000,
    crashLoop: { restarts: 5, windowMs: 60_000 },
    transport: { kind: 'sendmail', path: '/usr/sbin/sendmail' },
  });
});

test('a bad cron field, an unknown time zone and two transports are errors naming their key', () => {
  const issues = issuesOf(`${program}
[reports.a]
schedule = "0 25 * * *"
to = ["x@y.z"]
file = "r.txt"
[reports.b]
schedule = "0 8 * * *"
timezone = "Mars/Olympus"
to = ["x@y.z"]
file = "r.txt"
[reports.c]
schedule = "0 8 * * *"
to = ["x@y.z"]
file = "r.txt"
smtp = "smtp://localhost"
`);
  assert.equal(issues.length, 3, issues.join('\n'));
  assert.match(issues[0]!, /^reports\.a\.schedule: not a valid cron expression: hour/);
  assert.match(issues[1]!, /^reports\.b\.timezone: unknown time zone "Mars\/Olympus"/);
  assert.equal(issues[2], 'reports.c: give exactly one transport: smtp, sendmail or file (found smtp and file)');
});
