/**
 * People end to end: the real server (sample data) and a real OpenID provider (oidc-provider, in
 * this process), driven by Chromium. A controller signs in, sees their name in the header, writes
 * a comment (a hostile one: it must show as text), finds it on the chart marker (by keyboard), in
 * Monatswerte and on the wall, and signs out. A person whose groups map to no role cannot write.
 * On /importe a signed-in controller uploads and an admin maps layouts and chooses the home
 * Jobcenter without any token; a viewer is told which role an upload needs.
 *
 * Needs dist/web (run `npx vite build` first; `npm test` does).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { freePort } from '../alerts/smtp';
import { unknownLayoutCsv } from '../fixtures/unknown-layout';
import { oidcEnv, startOidcProvider, type TestProvider } from '../helpers/oidc';
import {
  artifactPath,
  launchBrowser,
  startServer,
  type TestServer,
  trackConsoleErrors,
} from '../helpers/server';

const TIMEOUT = 180_000;
const WAIT = { timeout: 60_000 };
const XSS = '<img src=x onerror="window.__xss=1">Maßnahme <b>X</b> endete im Juni';

let provider: TestProvider;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(
    {
      carla: { name: 'Carla Controlling', email: 'carla@jc.example', groups: ['zm-controlling'] },
      nora: { name: 'Nora Ohnerolle', email: 'nora@jc.example', groups: ['gaeste'] },
      adam: { name: 'Adam Admin', email: 'adam@jc.example', groups: ['zm-admins'] },
      vera: { name: 'Vera Lesend', email: 'vera@jc.example', groups: ['zm-lesen'] },
    },
    `${url}/api/auth/callback`,
  );
  server = await startServer({
    port,
    env: {
      PUBLIC_URL: url,
      ...oidcEnv(provider, 'zm-controlling=controller,zm-admins=admin,zm-lesen=viewer'),
      ALERTS_ENABLED: 'false',
    },
  });
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await provider?.close();
});

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto(`${server.url}/ziel/K2-female`);
  await page.getByRole('link', { name: 'Anmelden' }).click();
  await page.waitForURL((u) => u.href.startsWith(provider.issuer), WAIT);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'beliebig');
  await page.click('button[type="submit"]');
  await page.waitForURL(`${server.url}/ziel/K2-female`, WAIT);
}

describe('people in the browser', () => {
  test(
    'a controller signs in, comments (shown as text everywhere), and signs out',
    async () => {
      const page = await browser.newPage();
      await signIn(page, 'carla');
      // From here on (the provider's own login page loads web fonts from the internet).
      const errors = trackConsoleErrors(page);
      const status = page.getByTestId('auth-status');
      await status.waitFor(WAIT);
      expect(await status.textContent()).toContain('Carla Controlling');

      // Write the comment on the goal page.
      const form = page.getByTestId('goal-comments');
      await form.getByLabel('Text (nur Text, höchstens 2.000 Zeichen)').fill(XSS);
      const month = await form.getByLabel('Monat').inputValue();
      await form.getByRole('button', { name: 'Speichern' }).click();
      const text = form.locator('.comment-text').first();
      await text.waitFor(WAIT);
      expect(await text.textContent()).toBe(XSS);
      expect(await form.locator('.comment img, .comment b').count()).toBe(0);

      // The marker on the chart: reachable by keyboard, its text shows on focus.
      const marker = page.getByTestId('comment-markers').locator(`[data-month="${month}"] button`);
      await marker.focus();
      const tip = page.getByTestId('comment-markers').getByRole('tooltip');
      await tip.waitFor({ state: 'visible', ...WAIT });
      expect(await tip.textContent()).toContain(XSS);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(
        /^Kommentar /,
      );
      await page.screenshot({ path: artifactPath('people-goal-comment.png'), fullPage: true });

      // Monatswerte: a Kommentare column with the text.
      await page.goto(`${server.url}/monate?gender=female`);
      const cell = page.locator('[data-testid="months-table"] td[data-col="comments"]', {
        hasText: 'Maßnahme',
      });
      await cell.first().waitFor(WAIT);
      expect(await cell.first().textContent()).toContain(XSS);

      // The wall: one line on the K2 female tile, inside the tile.
      await page.goto(`${server.url}/wall`);
      const line = page.locator('[data-goal="K2-female"] [data-testid="wall-comment"]');
      await line.waitFor(WAIT);
      expect(await line.textContent()).toContain('Carla Controlling: <img src=x');
      const fits = await line.evaluate((el) => {
        const tile = el.closest('.wall-tile')?.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        const lineHeight = Number.parseFloat(getComputedStyle(el).lineHeight) || r.height;
        return tile !== undefined && r.right <= tile.right + 0.5 && r.height <= lineHeight * 1.5;
      });
      expect(fits).toBe(true);
      await page.screenshot({ path: artifactPath('people-wall-comment.png') });
      expect(await page.evaluate(() => 'window.__xss' in window && Reflect.get(window, '__xss'))).toBe(false);

      // Sign out: the header offers the sign-in again.
      await page.goto(`${server.url}/`);
      await page.getByRole('button', { name: 'Abmelden' }).click();
      await page.getByRole('link', { name: 'Anmelden' }).waitFor(WAIT);
      expect(errors).toEqual([]);
      await page.close();
    },
    TIMEOUT,
  );

  test(
    'a person whose groups map to no role sees no form and cannot write',
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, 'nora');
      const status = page.getByTestId('auth-status');
      await status.waitFor(WAIT);
      expect(await status.textContent()).toContain('Nora Ohnerolle');
      expect(await status.textContent()).toContain('ohne Rolle');
      const comments = page.getByTestId('goal-comments');
      await comments.waitFor(WAIT);
      expect(await comments.getByRole('button', { name: 'Speichern' }).count()).toBe(0);
      const answer = await page.evaluate(async () => {
        const res = await fetch('/api/comments', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            region: '01060',
            goal: 'K2-female',
            month: '2024-06',
            text: 'darf ich nicht',
          }),
        });
        return { status: res.status, body: await res.text() };
      });
      expect(answer.status).toBe(403);
      expect(answer.body).toContain('forbidden');
      await context.close();
    },
    TIMEOUT,
  );

  test(
    'an admin finds every write on /verwaltung (hostile text as text) and creates a token shown once',
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, 'adam');
      const written = await page.evaluate(async (text) => {
        const res = await fetch('/api/comments', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ region: '01060', goal: 'K3', month: '2024-03', text }),
        });
        return res.status;
      }, XSS);
      expect(written).toBe(201);
      const errors = trackConsoleErrors(page);
      await page.getByRole('link', { name: 'Verwaltung' }).click();
      const audit = page.getByTestId('audit-table');
      await audit.waitFor(WAIT);
      const row = audit.locator('tr', { hasText: 'Kommentar geschrieben' }).filter({ hasText: 'Adam Admin' });
      await row.first().waitFor(WAIT);
      expect(await row.first().textContent()).toContain('<img src=x onerror=');
      expect(await audit.locator('img, b').count()).toBe(0);

      const tokens = page.getByRole('region', { name: 'Persönliche API-Tokens' });
      // No token yet: the table says so instead of standing empty under its header.
      await tokens.getByText('Noch kein Token erstellt.').waitFor(WAIT);
      await tokens.getByLabel('Person', { exact: true }).fill('Import-Skript');
      await tokens.getByLabel('Zweck', { exact: true }).fill('Nachtlauf');
      await tokens.getByRole('button', { name: 'Token erstellen' }).click();
      const shown = page.getByTestId('new-token');
      await shown.waitFor(WAIT);
      const token = (await shown.locator('code').textContent()) ?? '';
      expect(token).toMatch(/^zm_/);
      await tokens.locator('tbody tr', { hasText: 'Nachtlauf' }).waitFor(WAIT);
      expect(await tokens.getByText('Noch kein Token erstellt.').count()).toBe(0);
      const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toMatchObject({ name: 'Import-Skript', role: 'controller' });
      await page.screenshot({ path: artifactPath('people-admin.png'), fullPage: true });
      // After a reload the token is gone for good: only its record is listed.
      await page.reload();
      await audit.waitFor(WAIT);
      expect(await page.getByTestId('new-token').count()).toBe(0);
      expect(await page.content()).not.toContain(token);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  test(
    'Importe with a session: a controller uploads without a token; a viewer is told the role it needs',
    async () => {
      const context = await browser.newContext({ locale: 'de-DE' });
      const page = await context.newPage();
      await signIn(page, 'carla');
      const errors = trackConsoleErrors(page);
      // A region other than the sample's: real figures for 01060 would replace its sample data,
      // which the other tests of this file read.
      const csv = [
        'region;region_name;month;indicator;gender;value;flag;comparison_type',
        '01062;Kreis Stormarn;2023-06;INT;female;123;;IIIb',
        '',
      ].join('\n');

      await page.goto(`${server.url}/importe`);
      await page.getByTestId('auth-status').waitFor(WAIT);
      const upload = page.getByRole('region', { name: /Datei hochladen/ });
      await upload.getByLabel('Datei', { exact: true }).waitFor(WAIT);
      // The session is enough: no token field in the way.
      expect(await page.getByLabel('Admin-Token').filter({ visible: true }).count()).toBe(0);
      await upload.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'personen-controlling.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
      await upload.getByRole('button', { name: 'Importieren' }).click();
      await page.getByText('Import abgeschlossen.').waitFor(WAIT);
      expect(await page.getByTestId('upload-result').textContent()).toContain('1 neu');
      await page
        .getByTestId('imports-table')
        .locator('tr', { hasText: 'personen-controlling.csv' })
        .first()
        .waitFor(WAIT);
      // A layout nothing knows: the wizard previews with the session; saving needs Verwaltung.
      await upload.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'lzb-unbekannt-2024-06.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(unknownLayoutCsv(6), 'utf8'),
      });
      await upload.getByRole('button', { name: 'Importieren' }).click();
      await page.getByRole('button', { name: 'Im Zuordnungsassistenten öffnen' }).click(WAIT);
      const wizard = page.getByTestId('wizard');
      await wizard.getByTestId('wizard-grid').waitFor(WAIT);
      await expectDisabled(wizard.getByRole('button', { name: 'Zuordnung speichern und importieren' }));
      expect(await wizard.textContent()).toContain(
        'Zuordnungen speichern dürfen nur Personen mit der Rolle Verwaltung.',
      );
      // Nothing was stored for a token; layouts and the home Jobcenter need the role Verwaltung.
      expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
      expect(await page.getByTestId('mappings').textContent()).toContain('Rolle Verwaltung');
      expect(await page.getByTestId('jobcenter-setup').textContent()).toContain('Rolle Verwaltung');
      await expectDisabled(page.getByRole('button', { name: 'Als eigenes Jobcenter festlegen' }));
      await page.screenshot({ path: artifactPath('people-imports-controller.png'), fullPage: true });
      expect(withoutBusyPolls(errors)).toEqual([]);
      await context.close();

      const viewer = await browser.newContext({ locale: 'de-DE' });
      const vpage = await viewer.newPage();
      await signIn(vpage, 'vera');
      const verrors = trackConsoleErrors(vpage);
      await vpage.goto(`${server.url}/importe`);
      const need = vpage.getByText(
        'Hochladen dürfen nur Personen mit der Rolle Controlling oder Verwaltung.',
      );
      await need.waitFor(WAIT);
      expect(await vpage.getByRole('button', { name: 'Importieren' }).count()).toBe(0);
      expect(await vpage.getByLabel('Admin-Token').filter({ visible: true }).count()).toBe(0);
      expect(await vpage.getByRole('region', { name: /Datei hochladen/ }).textContent()).toContain(
        'Vera Lesend (Lesen)',
      );
      await vpage.screenshot({ path: artifactPath('people-imports-viewer.png'), fullPage: true });
      expect(verrors).toEqual([]);
      await viewer.close();
    },
    TIMEOUT,
  );

  test(
    'Importe with a session: an admin maps layouts and chooses the home Jobcenter without a token',
    async () => {
      const context = await browser.newContext({ locale: 'de-DE' });
      const page = await context.newPage();
      await signIn(page, 'adam');
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/importe`);
      const setup = page.getByTestId('jobcenter-setup');
      await setup.getByLabel('Jobcenter aus dem Verzeichnis der BA').selectOption('t11522', WAIT);
      const choose = setup.getByRole('button', { name: 'Als eigenes Jobcenter festlegen' });
      expect(await choose.isEnabled()).toBe(true);
      await choose.click();
      await setup.getByText('Eigenes Jobcenter festgelegt (Region 01060).').waitFor(WAIT);

      const mappings = page.getByTestId('mappings');
      const load = mappings.getByLabel('Zuordnungen aus einer JSON-Datei übernehmen');
      expect(await load.isEnabled()).toBe(true);
      const spec = {
        kind: 'grid',
        sheet: null,
        monthAxis: 'rows',
        monthLine: 0,
        series: [{ line: 1, indicator: 'LZB', gender: 'total' }],
        region: { from: 'fixed', region: '01060' },
      };
      await load.setInputFiles({
        name: 'zuordnungen.json',
        mimeType: 'application/json',
        buffer: Buffer.from(
          JSON.stringify({ mappings: [{ name: 'Personen-Test', pattern: 'personen-*.csv', spec }] }),
        ),
      });
      await mappings.getByText('1 Zuordnungen übernommen.').waitFor(WAIT);
      const row = mappings.locator('tr', { hasText: 'Personen-Test' });
      await row.waitFor(WAIT);
      expect(await row.getByRole('button', { name: 'Bearbeiten' }).isEnabled()).toBe(true);
      expect(await row.getByRole('button', { name: 'Löschen' }).isEnabled()).toBe(true);
      expect(await page.getByLabel('Admin-Token').filter({ visible: true }).count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await page.screenshot({ path: artifactPath('people-imports-admin.png'), fullPage: true });
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});

async function expectDisabled(button: Locator): Promise<void> {
  await button.waitFor(WAIT);
  expect(await button.isDisabled()).toBe(true);
}

/**
 * A progress poll may meet a 503 database_busy: a signed-in request stamps the session's last
 * use (at most once a minute), and that write waits for the running import's write lock. The
 * page polls again (useJob), so such answers (and the browser's console line for them) are not
 * failures of the page; every other error still is.
 */
function withoutBusyPolls(errors: string[]): string[] {
  const poll = /^HTTP 503 .*\/api\/import-wizard\/jobs\//;
  const polls = errors.filter((e) => poll.test(e)).length;
  let consoleLines = polls;
  return errors.filter((e) => {
    if (poll.test(e)) return false;
    if (consoleLines > 0 && e.includes('status of 503')) {
      consoleLines -= 1;
      return false;
    }
    return true;
  });
}
