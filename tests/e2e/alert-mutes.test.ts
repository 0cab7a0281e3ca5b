/**
 * Stummschaltungen on the Hinweise page end to end: the real server (sample data, a mute
 * configuration file, mutes seeded through the API with the admin token) and a real Chromium. An
 * anonymous visitor sees every mute in German; with the admin token pasted in, they add one by
 * keyboard, are shown the server's reason for a day in the past, lift a mute made through the API
 * (the focus goes to the list's heading) and the server's list agrees. Behind a trusted proxy, a
 * person with the role Lesen is told which role it needs; an admin writes with their session. At
 * 320 px nothing runs past the edge.
 *
 * Needs dist/web (run `npx vite build` first; `npm test` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { berlinDay } from '../../core/months';
import type { GoalsResponse, MutesResponse, RegionsResponse } from '../../web/api';
import { muteUntilText } from '../../web/lib/mute-view';
import { freePort } from '../alerts/smtp';
import {
  artifactPath,
  launchBrowser,
  startServer,
  TEST_ADMIN_TOKEN,
  type TestServer,
  trackConsoleErrors,
} from '../helpers/server';
import { focused, tableCells } from './page-reads';

const TIMEOUT = 180_000;
const WAIT = { timeout: 60_000 };
const ADMIN = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
/** A day some years ahead whose day and month read alike in either order of a date field (06/06). */
const LATER = `${new Date().getFullYear() + 5}-06-06`;
const LATER_DE = `06.06.${new Date().getFullYear() + 5}`;

let dir: string;
let server: TestServer;
let browser: Browser;

async function api<T>(p: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${p}`, init);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  // Test code reading the server's own contract; the types are the web client's inferred ones.
  return (await res.json()) as T;
}

function putMute(body: Record<string, string>): Promise<unknown> {
  return api('/api/alerts/mutes', {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { ...ADMIN, 'Content-Type': 'application/json' },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'zielmonitor-mutes-'));
  const config = path.join(dir, 'alerts.json');
  writeFileSync(
    config,
    JSON.stringify({
      mutes: [
        { goal: 'K2-male', region: '01060', until: '2099-12-31', reason: 'Sondereffekt' },
        { goal: 'missing', until: '2020-01-31', reason: 'Umstellung 2020' },
      ],
    }),
  );
  const roles = path.join(dir, 'roles.json');
  writeFileSync(roles, JSON.stringify({ users: { adam: 'admin', vera: 'viewer' } }));
  // PUBLIC_URL must name the port: a write of the proxy's person is checked against its origin.
  const port = await freePort();
  server = await startServer({
    port,
    env: {
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ALERT_CONFIG_FILE: config,
      ALERTS_ENABLED: 'false',
      AUTH_PROXY_HEADER: 'X-Remote-User',
      AUTH_PROXY_TRUSTED: '127.0.0.1',
      ROLE_MAP_FILE: roles,
    },
  });
  await putMute({ goal: 'K3', until: LATER, reason: 'Umstellung der Zählweise' });
  await putMute({ goal: 'K2-female', region: '01060', until: LATER });
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(width = 1366, headers: Record<string, string> = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 800 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    extraHTTPHeaders: headers,
  });
  context.setDefaultTimeout(WAIT.timeout);
  const page = await context.newPage();
  return { context, page, errors: trackConsoleErrors(page) };
}

/** Presses Tab until the field labelled `name` has the focus (at most three times). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).name === name) return;
  }
  expect(await focused(page)).toEqual({ tag: 'input', name });
}

async function names() {
  const goals = await api<GoalsResponse>('/api/goals');
  const regions = await api<RegionsResponse>('/api/regions');
  const label = (id: string) => goals.goals.find((g) => g.id === id)?.label ?? `(no goal ${id})`;
  const region = regions.regions.find((r) => r.id === '01060')?.name ?? '(no region 01060)';
  return { label, region };
}

describe('Stummschaltungen on the Hinweise page', () => {
  test(
    'anonymous: every mute listed; with the token, add by keyboard, a past day refused, lift one',
    async () => {
      const { label, region } = await names();
      expect([label('K2-male'), label('K3-female'), region]).toEqual([
        'Integrationsquote Männer',
        'Bestand Langzeitleistungsbeziehende Frauen',
        'Kreis Segeberg',
      ]);
      const { page, context, errors } = await open();
      await page.goto(`${server.url}/hinweise`);
      await page.locator('[data-testid="mutes-table"] tbody tr').first().waitFor(WAIT);
      const rows = await tableCells(page, 'mutes-table');
      // Ziel, Region, bis, Grund, Quelle, angelegt von, Zustand, Aktion
      expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[6], r[7]])).toEqual([
        [
          'Integrationsquote Männer',
          region,
          '31.12.2099',
          'Sondereffekt',
          'Konfigurationsdatei',
          '● aktiv',
          'Nur in der Konfigurationsdatei änderbar',
        ],
        [
          'Fehlende Daten',
          'alle',
          '31.01.2020',
          'Umstellung 2020',
          'Konfigurationsdatei',
          '○ abgelaufen',
          'Nur in der Konfigurationsdatei änderbar',
        ],
        [
          'Bestand Langzeitleistungsbeziehende (ganze Kennzahl)',
          'alle',
          LATER_DE,
          'Umstellung der Zählweise',
          'Oberfläche',
          '● aktiv',
          '–',
        ],
        [label('K2-female'), region, LATER_DE, '–', 'Oberfläche', '● aktiv', '–'],
      ]);
      // Made with the admin token: named as such for people (not "ADMIN_TOKEN"), and when.
      expect(rows[2]?.[5]).toMatch(/^Admin-Token \(Notfallzugang\) \(\d\d\.\d\d\.\d{4}, \d\d:\d\d\)$/);
      // The state is a word with its icon, not a colour alone.
      expect(
        await page.locator('[data-testid="mutes-table"] [aria-hidden="true"]').first().textContent(),
      ).toBe('●');
      const lift = page.getByRole('button', { name: /^Aufheben/ });
      expect(await lift.count()).toBe(0);

      // Paste the admin token: the lift buttons appear for the mutes made through the API only.
      await page.getByLabel('Admin-Token').focus();
      await page.keyboard.type(TEST_ADMIN_TOKEN);
      await expect.poll(() => lift.count(), WAIT).toBe(2);

      // Add a mute with the keyboard alone: Tab from field to field, Enter submits.
      await page.keyboard.press('Tab');
      expect(await focused(page)).toEqual({ tag: 'select', name: 'Ziel' });
      await page.keyboard.type('Bestand Langzeitleistungsbeziehende F');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toEqual({ tag: 'select', name: 'Region' });
      await page.keyboard.press('Tab');
      expect(await focused(page)).toEqual({ tag: 'input', name: 'bis (einschließlich)' });
      await page.keyboard.type(LATER_DE.replaceAll('.', ''));
      // Chromium's date field takes one more Tab (its calendar button) before the next field.
      await tabTo(page, 'Grund (freiwillig)');
      await page.keyboard.type('Test per Tastatur');
      await page.keyboard.press('Enter');
      const result = page.getByTestId('mute-form-result');
      await result.getByRole('status').waitFor(WAIT);
      expect(await result.textContent()).toBe(
        `Stummgeschaltet: ${label('K3-female')}, Region alle, bis einschließlich ${LATER_DE}.`,
      );
      // The focus stays where the person was; the form is empty for the next one.
      expect(await focused(page)).toEqual({ tag: 'input', name: 'Grund (freiwillig)' });
      expect(await page.getByLabel('Ziel', { exact: true }).inputValue()).toBe('');
      const added = page.locator('[data-testid="mutes-table"] tbody tr', { hasText: 'Test per Tastatur' });
      await added.waitFor(WAIT);
      expect((await tableCells(page, 'mutes-table'))[4]?.slice(0, 5)).toEqual([
        label('K3-female'),
        'alle',
        LATER_DE,
        'Test per Tastatur',
        'Oberfläche',
      ]);

      // A day in the past: the form refuses it in German before asking the server.
      await page.getByLabel('Ziel', { exact: true }).focus();
      await page.keyboard.type('Integrationsquote F');
      await page.getByLabel('bis (einschließlich)').focus();
      await page.keyboard.type('01012020');
      await page.keyboard.press('Enter');
      const alert = result.getByRole('alert');
      await alert.waitFor(WAIT);
      expect(await alert.textContent()).toBe(
        `Das Datum „bis“ (01.01.2020) liegt in der Vergangenheit: bitte heute (${muteUntilText(berlinDay(new Date()))}) oder später wählen, oder die Stummschaltung aufheben.`,
      );
      expect(await alert.locator('[lang="en"]').count()).toBe(0);

      // Lift the indicator-wide mute by keyboard, in two steps: Enter asks, the same button then
      // reads "Wirklich aufheben" (Escape cancels), Enter again lifts. Its row goes, the focus goes
      // to the heading.
      const k3 = page.getByRole('button', { name: /^Aufheben: Bestand Langzeitleistungsbeziehende \(ganze/ });
      await k3.focus();
      await page.keyboard.press('Enter');
      const sure = page.getByRole('button', {
        name: /^Wirklich aufheben: Bestand Langzeitleistungsbeziehende/,
      });
      await sure.waitFor(WAIT);
      expect(await focused(page)).toEqual({
        tag: 'button',
        name: 'Wirklich aufheben: Bestand Langzeitleistungsbeziehende (ganze Kennzahl), Region alle',
      });
      expect(await page.getByRole('button', { name: /^Abbrechen: Bestand/ }).count()).toBe(1);
      await page.keyboard.press('Escape');
      await k3.waitFor(WAIT);
      expect(await sure.count()).toBe(0);
      expect((await api<MutesResponse>('/api/alerts/mutes', { headers: ADMIN })).mutes).toHaveLength(5);
      await page.keyboard.press('Enter');
      await sure.waitFor(WAIT);
      // "Abbrechen" by click: it goes away, and the focus goes back to the "Aufheben" button.
      await page.getByRole('button', { name: /^Abbrechen: Bestand/ }).click();
      await k3.waitFor(WAIT);
      expect(await focused(page)).toEqual({
        tag: 'button',
        name: 'Aufheben: Bestand Langzeitleistungsbeziehende (ganze Kennzahl), Region alle',
      });
      await page.keyboard.press('Enter');
      await sure.waitFor(WAIT);
      await page.keyboard.press('Enter');
      await page
        .getByRole('status')
        .filter({
          hasText:
            'Stummschaltung aufgehoben: Bestand Langzeitleistungsbeziehende (ganze Kennzahl), Region alle.',
        })
        .waitFor(WAIT);
      await page
        .locator('[data-testid="mutes-table"] tbody tr', { hasText: 'Umstellung der Zählweise' })
        .waitFor({
          state: 'detached',
          ...WAIT,
        });
      expect(await focused(page)).toEqual({ tag: 'h2', name: 'Stummschaltungen' });
      await page.screenshot({ path: artifactPath('alert-mutes.png'), fullPage: true });

      // The server's list agrees with the page.
      const { mutes } = await api<MutesResponse>('/api/alerts/mutes', { headers: ADMIN });
      expect(mutes.map((m) => [m.source, m.goal, m.regionId, m.until, m.reason])).toEqual([
        ['file', 'K2-male', '01060', '2099-12-31', 'Sondereffekt'],
        ['file', 'missing', null, '2020-01-31', 'Umstellung 2020'],
        ['api', 'K2-female', '01060', LATER, null],
        ['api', 'K3-female', null, LATER, 'Test per Tastatur'],
      ]);
      expect((await tableCells(page, 'mutes-table')).map((r) => r[0])).toEqual([
        'Integrationsquote Männer',
        'Fehlende Daten',
        label('K2-female'),
        label('K3-female'),
      ]);
      // The past day never reached the server: no failed request at all.
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  test(
    'behind the proxy: Lesen is told the role it needs; Verwaltung writes with the session',
    async () => {
      const viewer = await open(1366, { 'X-Remote-User': 'vera' });
      await viewer.page.goto(`${server.url}/hinweise`);
      const need = viewer.page.getByTestId('mutes-need-role');
      await need.waitFor(WAIT);
      expect(await need.textContent()).toBe(
        'Stummschaltungen ändern dürfen nur Personen mit der Rolle Verwaltung. Sie sind als vera (Lesen) angemeldet.',
      );
      expect(await viewer.page.getByRole('button', { name: /^Aufheben/ }).count()).toBe(0);
      expect(await viewer.page.getByTestId('token-details').count()).toBe(1);
      expect(viewer.errors).toEqual([]);
      await viewer.context.close();

      // Its own mute, so that this test leaves the list as it found it.
      await putMute({ goal: 'K2-total', until: LATER, reason: 'Probe mit Sitzung' });
      const admin = await open(1366, { 'X-Remote-User': 'adam' });
      await admin.page.goto(`${server.url}/hinweise`);
      const lift = admin.page.getByRole('button', { name: /^Aufheben: Integrationsquote insgesamt/ });
      await lift.waitFor(WAIT);
      expect(await admin.page.getByLabel('Admin-Token').count()).toBe(0);
      await lift.click();
      await admin.page
        .getByRole('button', { name: /^Wirklich aufheben: Integrationsquote insgesamt/ })
        .click();
      await admin.page
        .locator('[data-testid="mutes-table"] tbody tr', { hasText: 'Probe mit Sitzung' })
        .waitFor({ state: 'detached', ...WAIT });
      expect(await admin.page.getByRole('status').filter({ hasText: 'aufgehoben' }).textContent()).toBe(
        'Stummschaltung aufgehoben: Integrationsquote insgesamt, Region alle.',
      );
      const { mutes } = await api<MutesResponse>('/api/alerts/mutes');
      expect(mutes.some((m) => m.goal === 'K2-total')).toBe(false);
      expect(admin.errors).toEqual([]);
      await admin.context.close();
    },
    TIMEOUT,
  );

  test(
    "in an English browser the form's own checks speak German, and nothing is sent",
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'en-US' });
      context.setDefaultTimeout(WAIT.timeout);
      const page = await context.newPage();
      const errors = trackConsoleErrors(page);
      const writes: string[] = [];
      page.on('request', (r) => {
        if (r.method() !== 'GET') writes.push(`${r.method()} ${r.url()}`);
      });
      await page.goto(`${server.url}/hinweise`);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      const submit = page.getByRole('button', { name: 'Stummschalten' });
      const message = (label: string) =>
        page
          .getByLabel(label, { exact: true })
          .evaluate((el) => (el as HTMLInputElement | HTMLSelectElement).validationMessage);
      // No goal chosen: the browser stops the form, with a German message (English browser).
      await submit.click();
      expect(await message('Ziel')).toBe('Bitte einen Eintrag der Liste wählen.');
      // A goal chosen: the choice clears it; the empty day is next.
      await page.getByLabel('Ziel', { exact: true }).selectOption({ index: 1 });
      expect(await message('Ziel')).toBe('');
      await submit.click();
      expect(await message('bis (einschließlich)')).toBe('Bitte dieses Feld ausfüllen.');
      expect(writes).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );

  test(
    'at 320 px nothing runs past the edge, with and without the token',
    async () => {
      const { page, context, errors } = await open(320);
      await page.goto(`${server.url}/hinweise`);
      await page.locator('[data-testid="mutes-table"] tbody tr').first().waitFor(WAIT);
      const over = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await over()).toBeLessThanOrEqual(0);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      await page
        .getByRole('button', { name: /^Aufheben/ })
        .first()
        .waitFor(WAIT);
      expect(await over()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: artifactPath('alert-mutes-320.png'), fullPage: true });
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});
