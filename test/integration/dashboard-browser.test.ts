import assert from 'node:assert/strict';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dashboardOf, type Dashboard } from '../helpers/http.js';
import { FIXTURES, ROOT } from '../helpers/paths.js';
import { startSupd, type SupdUnderTest } from '../helpers/supd.js';
import { makeTempDir, type TempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (Debian's chromium; .ci/run installs it): no browser is ever downloaded`;
const node = JSON.stringify(process.execPath);
const forever = JSON.stringify(path.join(FIXTURES, 'bin', 'forever.js'));
const sayer = JSON.stringify(path.join(FIXTURES, 'bin', 'say-on-signal.js'));

const CONFIG = `
[supervisor.http]
listen = "127.0.0.1:0"

[programs.web]
command = [${node}, ${forever}]
processes = 2
env = { DB_PASSWORD = "browser-secret-41d7" }
[programs.app]
command = [${node}, ${forever}]
[programs.app.methods.mailer]
processes = 1
[programs.printer]
command = [${node}, ${sayer}]
`;

type Page = import('playwright-core').Page;
type Context = import('playwright-core').BrowserContext;

describe('the dashboard in a browser (Debian chromium through playwright-core)', { skip }, () => {
  let supd: SupdUnderTest;
  let d: Dashboard;
  let profile: TempDir;
  let context: Context;
  let page: Page;
  const dialogs: string[] = [];
  const row = (name: string) => page.locator(`tr[data-name="${name}"]`);
  const stateOf = (name: string) => row(name).locator('[data-testid=state]');

  before(async () => {
    supd = await startSupd(CONFIG);
    for (const name of ['web:0', 'web:1', 'app.mailer:0', 'printer:0']) await supd.waitForState(name, 'running');
    d = await dashboardOf(supd);
    profile = makeTempDir('supd-chromium-');
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(profile.dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(d.url);
  });
  after(async () => {
    await context?.close();
    profile?.remove();
    await supd?.cleanup();
  });

  test('the token URL logs in (the token leaves the address bar) and every process shows, grouped', async () => {
    assert.equal(new URL(page.url()).search, '');
    for (const name of ['web:0', 'web:1', 'app.mailer:0', 'printer:0']) {
      await row(name).waitFor();
      assert.equal(await stateOf(name).textContent(), 'running');
    }
    assert.equal(await page.locator('.group[data-unit="app.mailer"] tr[data-name="app.mailer:0"]').count(), 1);
    const cookies = await context.cookies();
    assert.equal(cookies.find((c) => c.name === 'supd_session')?.httpOnly, true);
  });

  test('Stop web:1 stops it: the page and supd status --json say stopped; the feed has the audit line', async () => {
    await page.getByRole('button', { name: 'Stop web:1', exact: true }).click();
    await stateOf('web:1').filter({ hasText: /^stopped$/ }).waitFor();
    assert.equal((await supd.proc('web:1')).state, 'stopped');
    await page.locator('[data-testid=feed] li.ev-audit', { hasText: 'stop web:1 via http' }).waitFor();
  });

  test('Restart web:0 from the keyboard (focus, Enter) gives it a new pid', async () => {
    const before = (await supd.proc('web:0')).pid;
    await page.getByRole('button', { name: 'Restart web:0', exact: true }).focus();
    await page.keyboard.press('Enter');
    await waitFor(async () => {
      const p = await supd.proc('web:0');
      return p.state === 'running' && p.pid !== before;
    });
  });

  test('Logs printer:0 follows a line printed after the page opened, as text: nothing runs', async () => {
    await page.getByRole('button', { name: 'Logs printer:0', exact: true }).click();
    const lines = page.locator('[data-testid=log-lines]');
    await lines.filter({ hasText: 'up' }).waitFor();
    process.kill((await supd.proc('printer:0')).pid!, 'SIGUSR1');
    await lines.filter({ hasText: '<img src=x onerror=alert(1)> said 1' }).waitFor();
    assert.equal(await lines.locator('img').count(), 0);
    assert.deepEqual(dialogs, []);
    await page.getByRole('searchbox', { name: 'Search logs of printer:0' }).fill('said');
    assert.equal(await lines.locator('mark').count(), 1);
  });

  test('Scale web to 3 adds web:2; Reload config shows what reload did', async () => {
    await page.getByRole('spinbutton', { name: 'Process count of web' }).fill('3');
    await page.getByRole('button', { name: 'Scale web', exact: true }).click();
    await row('web:2').waitFor();
    await supd.waitForState('web:2', 'running');
    await page.getByRole('button', { name: 'Reload the config' }).click();
    const notice = page.locator('[data-testid=notice]');
    await notice.filter({ hasText: 'reload: done' }).waitFor();
    assert.match((await notice.textContent()) ?? '', /scaled web 3 -> 2|unchanged web/);
    assert.ok(!(await page.content()).includes('browser-secret-41d7'));
  });

  test('on a phone-sized viewport the table shows; a screenshot is kept', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Close logs of printer:0' }).click();
    assert.ok(await row('web:0').isVisible());
    assert.ok(await stateOf('web:0').isVisible());
    const box = await row('web:0').locator('th').boundingBox();
    assert.ok(box !== null && box.x >= 0 && box.x + box.width <= 390, `the name cell is on screen: ${JSON.stringify(box)}`);
    const phone = path.join(supd.dir, 'dashboard-phone.png');
    await page.screenshot({ path: phone, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    const wide = path.join(supd.dir, 'dashboard.png');
    await page.screenshot({ path: wide });
    assert.ok(statSync(wide).size > 10_000);
    if (process.env.SUPD_KEEP_SCREENSHOT === '1') {
      copyFileSync(wide, path.join(ROOT, 'docs', 'dashboard.png'));
      copyFileSync(phone, path.join(ROOT, 'docs', 'dashboard-phone.png'));
    }
  });
});
