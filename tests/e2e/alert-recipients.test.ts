/**
 * Empfänger on the Hinweise page end to end: the real server (sample data, a recipient in
 * ALERT_RECIPIENTS and one in the configuration file) and a real Chromium. An anonymous visitor is
 * told that only the role Verwaltung sees the list, and the page never asks the server for it; with
 * the admin token pasted into the mute form the list shows where each entry comes from, a
 * recipient is added by keyboard alone (the server's list agrees), a malformed address is refused
 * before anything is sent, an address listed already is refused in German, and the one added is
 * removed again (the focus goes to the heading). Behind a trusted proxy, Lesen is told which role
 * it needs and an admin reads with the session. A server with nobody listed says where the mails
 * go. At 320 px nothing runs past the edge.
 *
 * Needs dist/web (run `npx vite build` first; `npm test` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { RecipientsResponse } from '../../web/api';
import { freePort } from '../alerts/smtp';
import { withServerAndBrowser } from '../helpers/e2e-suite';
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
const ENV_ADDRESS = 'leitung@jobcenter.example';
const FILE_ADDRESS = 'team-k2@jobcenter.example';
const NEW_ADDRESS = 'anna.amsel@jobcenter.example';
const RECIPIENTS_PATH = '/api/alerts/recipients';

let dir: string;
let server: TestServer;
let browser: Browser;

async function api<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  // Test code reading the server's own contract; the types are the web client's inferred ones.
  return (await res.json()) as T;
}

async function open(width = 1366, headers: Record<string, string> = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 800 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    extraHTTPHeaders: headers,
  });
  context.setDefaultTimeout(WAIT.timeout);
  const page = await context.newPage();
  // Every request for the recipient list, and every one that changes it.
  const asked: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith(RECIPIENTS_PATH)) asked.push(`${r.method()} ${r.url()}`);
  });
  return { context, page, errors: trackConsoleErrors(page), asked };
}

/** Tab once and expect the focus on the element `tag` named `name`. */
async function tab(page: Page, tag: string, name: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await focused(page)).toEqual({ tag, name });
}

/** Pastes the admin token into the page's one token field (the mute form's). */
async function pasteToken(page: Page): Promise<void> {
  // One input event, as a paste is (typed key by key, a slow machine could send a partial token).
  await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
}

const ENV_ROW = [
  ENV_ADDRESS,
  '–',
  'alle',
  'alle',
  'Umgebungsvariable',
  '–',
  'Nur in der Umgebungsvariable ALERT_RECIPIENTS änderbar',
];
const FILE_ROW = [
  FILE_ADDRESS,
  'Team K2',
  'Kreis Segeberg',
  'Integrationsquote (ganze Kennzahl), Fehlende Daten',
  'Konfigurationsdatei',
  '–',
  'Nur in der Konfigurationsdatei änderbar',
];

describe('Empfänger on the Hinweise page', () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'zielmonitor-recipients-'));
    const config = path.join(dir, 'alerts.json');
    writeFileSync(
      config,
      JSON.stringify({
        recipients: [{ email: FILE_ADDRESS, name: 'Team K2', regions: ['01060'], goals: ['K2', 'missing'] }],
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
        ALERT_RECIPIENTS: ENV_ADDRESS,
        ALERT_CONFIG_FILE: config,
        ALERTS_ENABLED: 'false',
        AUTH_PROXY_HEADER: 'X-Remote-User',
        AUTH_PROXY_TRUSTED: '127.0.0.1',
        ROLE_MAP_FILE: roles,
      },
    });
    browser = await launchBrowser();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    'anonymous: the role sentence and no request; with the token: list, add by keyboard, refusals, remove',
    async () => {
      const { page, context, errors, asked } = await open();
      await page.goto(`${server.url}/hinweise`);
      const need = page.getByTestId('recipients-need-role');
      await need.waitFor(WAIT);
      expect(await need.textContent()).toBe(
        'Die Empfängerliste sehen und ändern dürfen nur Personen mit der Rolle Verwaltung. Ohne Anmeldung geht es mit dem Admin-Token: im Formular „Stummschaltung anlegen“ eingeben, es gilt für die ganze Seite.',
      );
      await page.waitForLoadState('networkidle');
      expect(asked).toEqual([]);
      expect(await page.getByTestId('recipients-table').count()).toBe(0);
      expect(await page.getByTestId('recipient-form').count()).toBe(0);

      // The token typed into the mute form opens the list at once (one token for the page).
      await pasteToken(page);
      const table = page.locator('[data-testid="recipients-table"] tbody tr');
      await table.first().waitFor(WAIT);
      expect(await tableCells(page, 'recipients-table')).toEqual([ENV_ROW, FILE_ROW]);
      expect(asked).toEqual([`GET ${server.url}${RECIPIENTS_PATH}`]);
      const remove = page.getByRole('button', { name: /^Entfernen/ });
      expect(await remove.count()).toBe(0);
      expect(await page.getByTestId('recipients-need-role').count()).toBe(0);

      // Add one with the keyboard alone: Tab from field to field, Enter takes a choice, Enter submits.
      await page.getByLabel('E-Mail', { exact: true }).focus();
      await page.keyboard.type(NEW_ADDRESS);
      await tab(page, 'input', 'Name (freiwillig)');
      await page.keyboard.type('Anna Amsel');
      await tab(page, 'select', 'Region auswählen');
      await page.keyboard.type('Kreis');
      await tab(page, 'button', 'Region hinzufügen');
      await page.keyboard.press('Enter');
      await tab(page, 'button', 'Abwählen: Kreis Segeberg');
      await tab(page, 'select', 'Ziel auswählen');
      await page.keyboard.type('Integrationsquote F');
      await tab(page, 'button', 'Ziel hinzufügen');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.type('Fehlende');
      await tab(page, 'button', 'Ziel hinzufügen');
      await page.keyboard.press('Enter');
      // What is chosen is listed in order; the select no longer offers it.
      const goals = page.getByRole('group', { name: 'Ziele (freiwillig)' });
      expect((await goals.locator('li > span').allTextContents()).join(' | ')).toBe(
        'Integrationsquote Frauen | Fehlende Daten',
      );
      expect(await goals.locator('option', { hasText: 'Fehlende Daten' }).count()).toBe(0);
      await tab(page, 'button', 'Abwählen: Integrationsquote Frauen');
      await tab(page, 'button', 'Abwählen: Fehlende Daten');
      await tab(page, 'button', 'Empfänger hinzufügen');
      await page.keyboard.press('Enter');
      const result = page.getByTestId('recipient-form-result');
      await result.getByRole('status').waitFor(WAIT);
      expect(await result.textContent()).toBe(
        `Empfänger hinzugefügt: Anna Amsel <${NEW_ADDRESS}>. Regionen: Kreis Segeberg; Ziele: Integrationsquote Frauen, Fehlende Daten.`,
      );
      // The form is empty for the next one.
      expect(await page.getByLabel('E-Mail', { exact: true }).inputValue()).toBe('');
      expect(await goals.locator('li').count()).toBe(0);
      await table.nth(2).waitFor(WAIT);
      const rows = await tableCells(page, 'recipients-table');
      expect(rows.slice(0, 2)).toEqual([ENV_ROW, FILE_ROW]);
      expect(rows[2]?.slice(0, 5)).toEqual([
        NEW_ADDRESS,
        'Anna Amsel',
        'Kreis Segeberg',
        'Integrationsquote Frauen, Fehlende Daten',
        'Oberfläche',
      ]);
      // Added with the admin token, today (Berlin); only this entry can be removed here.
      expect(rows[2]?.[5]).toMatch(/^\d\d\.\d\d\.\d{4} von Admin-Token \(Notfallzugang\)$/);
      expect(rows[2]?.[6]).toBe('Entfernen');
      expect(await remove.count()).toBe(1);

      // The server's list agrees with the page.
      const listed = await api<RecipientsResponse>(`${server.url}${RECIPIENTS_PATH}`, { headers: ADMIN });
      expect(listed.recipients.map((r) => [r.source, r.email, r.name, r.regions, r.goals])).toEqual([
        ['env', ENV_ADDRESS, null, null, null],
        ['file', FILE_ADDRESS, 'Team K2', ['01060'], ['K2', 'missing']],
        ['api', NEW_ADDRESS, 'Anna Amsel', ['01060'], ['K2-female', 'missing']],
      ]);
      expect(listed.fallback).toBeNull();

      // A malformed address: refused in German before anything is sent; the focus goes to the field.
      const posts = () => asked.filter((a) => a.startsWith('POST')).length;
      expect(posts()).toBe(1);
      const email = page.getByLabel('E-Mail', { exact: true });
      await email.focus();
      await page.keyboard.type('anna.amsel@jobcenter');
      await page.keyboard.press('Enter');
      const alert = result.getByRole('alert');
      await alert.waitFor(WAIT);
      expect(await alert.textContent()).toBe(
        '„anna.amsel@jobcenter“ ist keine gültige E-Mail-Adresse (Beispiel: vorname.nachname@jobcenter.de).',
      );
      expect(await email.getAttribute('aria-invalid')).toBe('true');
      expect(await focused(page)).toEqual({ tag: 'input', name: 'E-Mail' });
      expect(posts()).toBe(1);

      // An address listed already (in another case): the server's 409, in German only.
      await email.fill('');
      await page.keyboard.type(ENV_ADDRESS.toUpperCase());
      await page.keyboard.press('Enter');
      await result.getByRole('alert').filter({ hasText: 'Empfängerliste' }).waitFor(WAIT);
      expect(await result.textContent()).toBe('Diese Adresse steht schon in der Empfängerliste.');
      expect(posts()).toBe(2);
      expect(await table.count()).toBe(3);

      // Remove the one added here by keyboard, in two steps: the first Enter only asks, with the
      // focus kept on the button; Escape takes the question back and nothing is sent.
      const deletes = () => asked.filter((a) => a.startsWith('DELETE ')).length;
      await remove.focus();
      expect(await focused(page)).toEqual({ tag: 'button', name: `Entfernen: ${NEW_ADDRESS}` });
      await page.keyboard.press('Enter');
      expect(await focused(page)).toEqual({ tag: 'button', name: `Wirklich entfernen: ${NEW_ADDRESS}` });
      expect(await page.getByRole('button', { name: `Abbrechen: ${NEW_ADDRESS}` }).count()).toBe(1);
      await page.keyboard.press('Escape');
      expect(await focused(page)).toEqual({ tag: 'button', name: `Entfernen: ${NEW_ADDRESS}` });
      expect(await page.getByRole('button', { name: /^Abbrechen/ }).count()).toBe(0);
      expect(deletes()).toBe(0);
      expect(await table.count()).toBe(3);
      // Confirmed: its row goes, the focus goes to the heading.
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await page.getByTestId('recipient-list-result').getByRole('status').waitFor(WAIT);
      expect(await page.getByTestId('recipient-list-result').textContent()).toBe(
        `Empfänger entfernt: Anna Amsel <${NEW_ADDRESS}>.`,
      );
      await page
        .locator('[data-testid="recipients-table"] tbody tr', { hasText: NEW_ADDRESS })
        .waitFor({ state: 'detached', ...WAIT });
      expect(await focused(page)).toEqual({ tag: 'h2', name: 'Empfänger' });
      expect(deletes()).toBe(1);
      expect(await tableCells(page, 'recipients-table')).toEqual([ENV_ROW, FILE_ROW]);
      await page.screenshot({ path: artifactPath('alert-recipients.png'), fullPage: true });
      const after = await api<RecipientsResponse>(`${server.url}${RECIPIENTS_PATH}`, { headers: ADMIN });
      expect(after.recipients.map((r) => r.email)).toEqual([ENV_ADDRESS, FILE_ADDRESS]);

      // The one failure was the refused duplicate (the browser logs a 409 as an error too).
      expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
      expect(errors).toContain(`HTTP 409 ${server.url}${RECIPIENTS_PATH}`);
      await context.close();
    },
    TIMEOUT,
  );

  test(
    'behind the proxy: Lesen is told the role it needs (no request); Verwaltung reads with the session',
    async () => {
      const viewer = await open(1366, { 'X-Remote-User': 'vera' });
      await viewer.page.goto(`${server.url}/hinweise`);
      const need = viewer.page.getByTestId('recipients-need-role');
      await need.waitFor(WAIT);
      expect(await need.textContent()).toBe(
        'Die Empfängerliste sehen und ändern dürfen nur Personen mit der Rolle Verwaltung. Sie sind als vera (Lesen) angemeldet.',
      );
      await viewer.page.waitForLoadState('networkidle');
      expect(viewer.asked).toEqual([]);
      expect(viewer.errors).toEqual([]);
      await viewer.context.close();

      const admin = await open(1366, { 'X-Remote-User': 'adam' });
      await admin.page.goto(`${server.url}/hinweise`);
      await admin.page.locator('[data-testid="recipients-table"] tbody tr').first().waitFor(WAIT);
      expect(await tableCells(admin.page, 'recipients-table')).toEqual([ENV_ROW, FILE_ROW]);
      expect(await admin.page.getByLabel('Admin-Token').count()).toBe(0);
      expect(await admin.page.getByTestId('recipient-form').count()).toBe(1);
      expect(admin.errors).toEqual([]);
      await admin.context.close();
    },
    TIMEOUT,
  );

  test(
    'at 320 px nothing runs past the edge, before and after the token, with choices made',
    async () => {
      const { page, context, errors } = await open(320);
      await page.goto(`${server.url}/hinweise`);
      await page.getByTestId('recipients-need-role').waitFor(WAIT);
      const over = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await over()).toBeLessThanOrEqual(0);
      await pasteToken(page);
      await page.locator('[data-testid="recipients-table"] tbody tr').first().waitFor(WAIT);
      // The longest goal name chosen, so that the chosen list and the select are at their widest.
      const goals = page.getByRole('group', { name: 'Ziele (freiwillig)' });
      await goals
        .getByLabel('Ziel auswählen')
        .selectOption({ label: 'Bestand Langzeitleistungsbeziehende insgesamt' });
      await goals.getByRole('button', { name: 'Ziel hinzufügen' }).click();
      await goals.locator('li').first().waitFor(WAIT);
      expect(await over()).toBeLessThanOrEqual(0);
      await page.screenshot({ path: artifactPath('alert-recipients-320.png'), fullPage: true });

      // A region shown in its select but never added ("Region hinzufügen" not pressed) is meant:
      // the recipient follows it, not every region.
      const pending = 'pending.pick@jobcenter.example';
      await page.getByLabel('E-Mail', { exact: true }).fill(pending);
      await page
        .getByRole('group', { name: 'Regionen (freiwillig)' })
        .getByLabel('Region auswählen')
        .selectOption('01060');
      await page.getByRole('button', { name: 'Empfänger hinzufügen' }).click();
      await page.getByTestId('recipient-form-result').getByText('Empfänger hinzugefügt').waitFor(WAIT);
      const stored = await api<RecipientsResponse>(`${server.url}${RECIPIENTS_PATH}`, { headers: ADMIN });
      const added = stored.recipients.find((r) => r.email === pending);
      expect(added?.regions).toEqual(['01060']);
      expect(added?.goals).toEqual(['K3-total']);
      const del = await fetch(`${server.url}${RECIPIENTS_PATH}/${added?.id}`, {
        method: 'DELETE',
        headers: ADMIN,
      });
      expect(del.status).toBe(200);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('Empfänger while nobody is listed', () => {
  let url = '';
  let chromium: Browser;
  withServerAndBrowser((s, b) => {
    url = s.url;
    chromium = b;
  });

  test(
    'the list says that the mails go to the outbox, addressed to the sender',
    async () => {
      const { fallback, recipients } = await api<RecipientsResponse>(`${url}${RECIPIENTS_PATH}`, {
        headers: ADMIN,
      });
      expect(recipients).toEqual([]);
      expect(fallback).toBe('zielmonitor@localhost');
      const context = await chromium.newContext({ locale: 'de-DE', timezoneId: 'Europe/Berlin' });
      const page = await context.newPage();
      const errors = trackConsoleErrors(page);
      await page.goto(`${url}/hinweise`);
      await pasteToken(page);
      const empty = page.getByTestId('recipients').locator('.state-empty');
      await empty.waitFor(WAIT);
      expect(await empty.textContent()).toBe(
        'Noch keine Empfänger eingetragen: Ohne SMTP-Server werden die Hinweise als Dateien im Postausgang abgelegt, adressiert an zielmonitor@localhost.',
      );
      expect(await page.getByTestId('recipients-table').count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    TIMEOUT,
  );
});
