/**
 * The import wizard end to end in Chromium: a file in a layout nothing knows (months down the
 * rows, genders across, the region only in a title cell) is rejected on upload, mapped by clicks
 * with live feedback, saved with a file pattern and imported; next month's file of the same
 * pattern then imports by itself through the inbox.
 */
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import type { MonthsResponse } from '../../web/api';
import { baTableLines, PROVISIONAL, toBaCsv } from '../fixtures/real-ba';
import { unknownLayoutCsv } from '../fixtures/unknown-layout';
import {
  artifactPath,
  launchBrowser,
  startServer,
  TEST_ADMIN_TOKEN,
  type TestServer,
  trackConsoleErrors,
} from '../helpers/server';

const E2E_TIMEOUT = 180_000;

async function lzb(server: TestServer, month: string): Promise<Record<string, number | null>> {
  const res = await fetch(`${server.url}/api/months?region=t11522&from=${month}&to=${month}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as MonthsResponse;
  return Object.fromEntries(body.rows.map((r) => [r.gender, r.lzb]));
}

describe('import wizard', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ env: { ALERTS_ENABLED: 'false' } }),
      launchBrowser(),
    ]);
  }, E2E_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test(
    'an unknown layout mapped by clicks imports; next month’s file of the pattern imports by itself',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'de-DE' });
      context.setDefaultTimeout(60_000);
      const page = await context.newPage();
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/importe`);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      await page.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'lzb-segeberg-2024-06.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(unknownLayoutCsv(6), 'utf8'),
      });
      await page.getByRole('button', { name: 'Importieren' }).click();
      await page.getByRole('alert').filter({ hasText: 'Import fehlgeschlagen' }).waitFor();
      await page.getByRole('button', { name: 'Im Zuordnungsassistenten öffnen' }).click();

      const wizard = page.getByTestId('wizard');
      await wizard.getByTestId('wizard-grid').waitFor();
      // Detected: months down column A.
      await expect
        .poll(() => wizard.getByTestId('wizard-summary').textContent())
        .toContain('Monate: Spalte A');
      await wizard.getByLabel('Spalte = Kennzahl + Geschlecht').check();
      await wizard.getByLabel('Kennzahl', { exact: true }).selectOption('LZB');
      for (const [gender, cell] of [
        ['total', 'B4'],
        ['female', 'C4'],
        ['male', 'D4'],
      ] as const) {
        await wizard.getByLabel('Geschlecht', { exact: true }).selectOption(gender);
        await wizard.locator(`[data-cell="${cell}"]`).click();
      }
      await wizard.getByLabel('Zelle mit der Region').check();
      await wizard.locator('[data-cell="A1"]').click();
      // Live feedback: 6 months × 3 genders, nothing failing, the region found from the title.
      const result = wizard.getByTestId('wizard-result');
      await expect
        .poll(() => wizard.getByTestId('wizard-count').textContent(), { timeout: 20_000 })
        .toBe('18 Werte');
      expect(await result.textContent()).toContain('keine fehlerhaften Zellen');
      const firstRow = await wizard
        .locator('[data-testid="wizard-observations"] tbody tr')
        .first()
        .textContent();
      expect(firstRow).toContain('01060');
      expect(firstRow).toContain('Januar 2024');
      expect(firstRow).toContain('6.600');
      expect(await wizard.getByLabel('Dateimuster').inputValue()).toBe('lzb-segeberg-*.csv');
      await page.screenshot({ path: artifactPath('import-wizard.png'), fullPage: true });

      await wizard.getByRole('button', { name: 'Zuordnung speichern und importieren' }).click();
      await wizard.getByText('Import abgeschlossen.').waitFor();
      expect(await lzb(server, '2024-06')).toEqual({ total: 6650, female: 3375, male: 3275 });
      // The saved mapping is listed with its pattern.
      const mappings = page.getByTestId('mappings');
      await mappings.getByText('lzb-segeberg-*.csv').waitFor();
      // Renamed in the list (admin): the pattern stays.
      await mappings.getByRole('button', { name: 'Bearbeiten' }).click();
      await mappings.getByLabel('Name der Zuordnung').fill('LZB Segeberg monatlich');
      await mappings.getByRole('button', { name: 'Speichern' }).click();
      await mappings.getByText('LZB Segeberg monatlich', { exact: true }).waitFor();

      // Next month: dropped into the inbox, imported by the run of the sources.
      const file = path.join(server.dir, 'inbox', 'lzb-segeberg-2024-07.csv');
      writeFileSync(file, unknownLayoutCsv(7));
      const past = new Date(Date.now() - 120_000);
      utimesSync(file, past, past);
      const run = await fetch(`${server.url}/api/imports`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ action: 'run-sources' }),
      });
      expect(run.status).toBe(200);
      expect(await lzb(server, '2024-07')).toEqual({ total: 6660, female: 3380, male: 3280 });
      await page.reload();
      await page.waitForFunction(() =>
        document
          .querySelector('[data-testid="imports-table"]')
          ?.textContent?.includes('lzb-segeberg-2024-07.csv'),
      );
      // The first upload's rejection is an expected 4xx-free path (jobs answer 202/200).
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'a BA table with projected values uploads with progress; the Monatswerte show "≈ … (vorläufig)"',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'de-DE' });
      context.setDefaultTimeout(60_000);
      const page = await context.newPage();
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/importe`);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      await page.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'ba-tabelle-2024-09.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(toBaCsv(baTableLines(PROVISIONAL)), 'utf8'),
      });
      await page.getByRole('button', { name: 'Importieren' }).click();
      await page.waitForSelector('text=Import abgeschlossen.');
      // One gender, so that a year back is within the rows rendered at once.
      await page.goto(`${server.url}/monate?region=t11522&gender=total`);
      const cell = page.locator('[data-provisional="2024-09-total-elb"]');
      await cell.waitFor();
      expect(await cell.textContent()).toBe('≈ 10.585 (vorläufig)');
      expect(await page.locator('tr[data-month="2023-09"][data-gender="total"]').count()).toBe(1);
      expect(await page.locator('[data-provisional="2023-09-total-elb"]').count()).toBe(0);
      await page.screenshot({ path: artifactPath('months-provisional.png'), fullPage: false });
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'an upload whose progress no instance can tell (another instance took it, then went away): the page stops asking and points to the log',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'de-DE' });
      context.setDefaultTimeout(60_000);
      const page = await context.newPage();
      const errors = trackConsoleErrors(page);
      // Every poll of the job reaches an instance that does not hold it: its real answer.
      let polls = 0;
      await page.route('**/api/import-wizard/jobs/*', (route) => {
        polls++;
        return route.fulfill({
          status: 404,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'job_not_found',
              message: 'Unknown import job (jobs are kept while the server runs).',
            },
          }),
        });
      });
      await page.goto(`${server.url}/importe`);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      await page.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'ba-tabelle-verloren.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(toBaCsv(baTableLines(PROVISIONAL)), 'utf8'),
      });
      await page.getByRole('button', { name: 'Importieren' }).click();
      const lost = page.getByTestId('import-progress-lost');
      await lost.waitFor();
      expect(await lost.textContent()).toContain('Fortschritt nicht abrufbar');
      expect(await lost.textContent()).toContain('ba-tabelle-verloren.csv');
      // It stopped asking: 25 failed polls, and no more after a second.
      const asked = polls;
      expect(asked).toBe(25);
      await page.waitForTimeout(1000);
      expect(polls).toBe(asked);
      // The form is free again, and the run log shows the import the server did.
      expect(await page.getByRole('button', { name: 'Importieren' }).count()).toBe(1);
      await page.getByText('ba-tabelle-verloren.csv').first().waitFor();
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
