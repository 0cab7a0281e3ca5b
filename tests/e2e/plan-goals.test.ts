/**
 * The plan goals (Eingliederung und Budget) in the browser: the real server on the sample data,
 * real Chromium. The cards on the Überblick and the tiles of the wall's plan page show the API's
 * figures formatted de-DE (€ and counts), and the wall page fits the screen from 1366×768 to 4K
 * with text large enough to read from three metres.
 */

import type { Browser } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { formatGoalValue, formatMonth, formatPace, STATUS_TEXT, type StatusWord } from '../../core/format.js';
import { withServerAndBrowser } from '../helpers/e2e-suite';
import { artifactPath, type TestServer, trackConsoleErrors } from '../helpers/server';
import { checkLayout, minFontPx } from './wall-checks';
import { expectClean } from './wall-expect';

interface ApiGoal {
  id: string;
  kind: string;
  unit: 'count' | 'eur' | 'places' | 'percent';
  label: string;
  status: StatusWord;
  plan: number | null;
  planToDate: number | null;
  pace: { total: number; months: number; perMonth: number } | null;
  current: { month: string; value: number | null };
  forecast: { value: number | null; status: StatusWord };
}

const VIEWPORTS = [
  [1366, 768],
  [1920, 1080],
  [3840, 2160],
] as const;

let server: TestServer;
let browser: Browser;
let goals: ApiGoal[];

withServerAndBrowser(async (s, b) => {
  server = s;
  browser = b;
  const body = (await (await fetch(`${server.url}/api/goals?region=01060`)).json()) as { goals: ApiGoal[] };
  goals = body.goals.filter((g) => g.kind !== 'change');
});

const v = (g: ApiGoal, n: number | null) => formatGoalValue(n, g.unit, { compact: true });

describe('plan goals in the browser', () => {
  test('the API has the eleven plan goals of the sample, with euros, counts and places', () => {
    expect(goals.map((g) => g.unit)).toEqual([
      'eur',
      'eur',
      'count',
      'count',
      'count',
      'count',
      'count',
      'places',
      'places',
      'places',
      'places',
    ]);
  });

  test('Überblick: section "Eingliederung und Budget", one card per plan goal with the API’s figures', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/?region=01060`);
    await page.waitForSelector('[data-testid="plan-goals"] article');
    expect(await page.locator('#grp-plan').textContent()).toBe('Eingliederung und Budget');
    expect(await page.locator('[data-testid="plan-goals"] article').count()).toBe(goals.length);
    for (const g of goals) {
      const card = page.locator(`[data-testid="plan-goal-${g.id}"]`);
      const text = (field: string) => card.locator(`[data-field="${field}"]`).first().textContent();
      expect(await text('current'), g.id).toBe(v(g, g.current.value));
      expect(await text('plan-to-date'), g.id).toBe(v(g, g.planToDate));
      // Capacity: the planned places are the path itself (no separate annual figure).
      if (g.kind !== 'capacity') expect(await text('plan'), g.id).toBe(v(g, g.plan));
      expect(await card.locator('.goal-card-head [data-status] .status-word').textContent(), g.id).toBe(
        STATUS_TEXT[g.status].word,
      );
      if (g.forecast.value !== null) {
        expect(await text('projection-value'), g.id).toBe(v(g, g.forecast.value));
        // A forecast's status reads as one, as on the Tabelle 3 cards (audit finding 8).
        expect(
          await card.locator('[data-field="projection"] [data-status] .status-word').textContent(),
          g.id,
        ).toBe(`voraussichtlich ${STATUS_TEXT[g.forecast.status].word}`);
      }
      if (g.pace !== null) expect(await text('pace'), g.id).toBe(formatPace(g.pace, g.unit, g.label));
    }
    // de-DE: euros in millions with a decimal comma, counts with thousands dots.
    const egt = goals.find((g) => g.id === 'EGT_IST-total');
    expect(
      await page.locator('[data-testid="plan-goal-EGT_IST-total"] [data-field="plan"]').textContent(),
    ).toBe('6,40 Mio €');
    expect(egt?.plan).toBe(6_400_000);
    expect(
      await page.locator('[data-testid="plan-goal-EIN_EF-total"] [data-field="plan"]').textContent(),
    ).toBe('1.000');
    // The Eingliederungstitel's 6,4 Mio € are the money available (audit finding 4): the forecast
    // 4.460.705,50 + r × Σ2023(Oct–Dec) = 6.472.082,79 € lies 72.083 € above it: not im Ziel.
    const egtCard = page.locator('[data-testid="plan-goal-EGT_IST-total"]');
    expect(await egtCard.locator('[data-field="projection-change"]').textContent()).toBe(
      '(+1,1 % zum Jahresplan, 72.083 € darüber)',
    );
    expect(await egtCard.locator('[data-field="projection"] [data-status]').textContent()).toBe(
      '▲ voraussichtlich gefährdet',
    );
    // A path between whole entries keeps its decimal beside the deviation (audit finding 7):
    // 55 × Σ2023(Jan–Sep) / Σ2023 = 55 × 47 / 61 = 42,38 against 42 so far, −0,9 % zum Plan.
    const abs = page.locator('[data-testid="plan-goal-EIN_FBW_ABS-total"]');
    expect(await abs.locator('[data-field="plan-to-date"]').textContent()).toBe('42,4');
    expect(await abs.locator('[data-field="current"]').textContent()).toBe('42');
    expect(await abs.locator('[data-field="deviation"]').textContent()).toBe('−0,9 % zum Plan');
    const fbw = goals.find((g) => g.id === 'EIN_FBW-total');
    expect(
      await page.locator('[data-testid="plan-goal-EIN_FBW-total"] [data-field="pace"]').textContent(),
    ).toMatch(
      /^noch \d+ Eintritte FbW bis Dezember, im Schnitt \d+ je Monat; laut Planpfad noch \d+ bis Oktober 2024$/,
    );
    expect(fbw?.current.month).toBe('2024-09');
    // No horizontal overflow of the page at 1366 px.
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scroll).toBeLessThanOrEqual(1366);
    await page.screenshot({ path: artifactPath('plan-goals-overview.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('Ziel page of a plan goal: figures, chart and the table of the path', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/ziel/FBW_IST-total?region=01060`);
    await page.waitForSelector('[data-testid="goal-table"] tbody tr');
    const g = goals.find((x) => x.id === 'FBW_IST-total');
    if (!g) throw new Error('no FBW_IST-total');
    expect(await page.locator('[data-field="current"]').first().textContent()).toBe(v(g, g.current.value));
    expect(await page.locator('[data-field="plan"]').first().textContent()).toBe('1,60 Mio €');
    expect(await page.locator('[data-testid="goal-table"] tbody tr').count()).toBe(12);
    expect(await page.locator('h1').textContent()).toContain('Ausgaben FbW');
    expect(await page.locator('.page-head [data-status] .status-word').first().textContent()).toBe(
      STATUS_TEXT[g.status].word,
    );
    expect(await page.locator('[data-testid="goal-table"] tbody tr').nth(8).locator('th').textContent()).toBe(
      formatMonth('2024-09'),
    );
    await page.screenshot({ path: artifactPath('plan-goal-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('Monatswerte: the plan series by month with CSV and XLSX export links', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/monate?region=01060`);
    await page.waitForSelector('[data-testid="plan-months-table"] tbody tr');
    const api = (await (await fetch(`${server.url}/api/months/plan?region=01060`)).json()) as {
      rows: { month: string; values: Record<string, number | null> }[];
    };
    const first = page.locator('[data-testid="plan-months-table"] tbody tr').first();
    expect(await first.locator('th').textContent()).toBe(formatMonth(api.rows[0]?.month));
    expect(await first.locator('td[data-code="EIN_FBW"]').textContent()).toBe(
      formatGoalValue(api.rows[0]?.values.EIN_FBW, 'count'),
    );
    expect(await first.locator('td[data-code="EGT_IST"]').textContent()).toBe(
      formatGoalValue(api.rows[0]?.values.EGT_IST, 'eur'),
    );
    // The column heads' tooltips say what the code is, not a bare internal code.
    const titles = await page.$$eval('[data-testid="plan-months-table"] thead th[title]', (ths) =>
      ths.map((th) => th.getAttribute('title')),
    );
    expect(titles.length).toBeGreaterThan(0);
    expect(titles).toContain('Kürzel in Importdateien: EIN_FBW');
    expect(titles.every((t) => t?.startsWith('Kürzel in Importdateien: '))).toBe(true);
    expect(await page.getAttribute('[data-testid="plan-export-csv"]', 'href')).toBe(
      '/api/months/plan?format=csv&region=01060',
    );
    const csv = await fetch(`${server.url}/api/months/plan?format=csv&region=01060`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(errors).toEqual([]);
    await page.close();
  });

  describe.each(VIEWPORTS)('wall plan page at %i×%i', (width, height) => {
    test('every plan goal as a tile with the API’s figures, on two pages; each fits the screen; text large enough', {
      timeout: 60_000,
    }, async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = trackConsoleErrors(page);
      // Eleven plan goals: more than one page holds (nine), so two pages of six and five tiles.
      // Each page stays 8 s: time for the checks below, which must all read the same page.
      await page.goto(`${server.url}/wall?region=01060&pages=plan&interval=8`);
      const tiles: { id: string | null; value: string; path: string; status: string }[] = [];
      for (const [part, count] of [
        [1, 6],
        [2, 5],
      ] as const) {
        await page.waitForSelector(`main.wall[data-page="plan:${part}"] [data-testid="wall-plan"] article`, {
          timeout: 15_000,
        });
        expect(await page.locator('[data-testid="wall-plan"] h2').textContent()).toContain(
          `(Teil ${part} von 2)`,
        );
        const shown = await page.$$eval('[data-testid="wall-plan"] article[data-goal]', (as) =>
          as.map((a) => ({
            id: a.getAttribute('data-goal'),
            value: a.querySelector('[data-testid="wall-value"]')?.textContent ?? '',
            path: a.querySelector('[data-testid="wall-plan-to-date"]')?.textContent ?? '',
            status: a.querySelector('.wall-plan-main .wall-status-word')?.textContent ?? '',
          })),
        );
        expect(shown).toHaveLength(count);
        tiles.push(...shown);
        const report = await checkLayout(page, minFontPx(height));
        console.log(
          `wall plan ${part}/2 ${width}×${height}: ${report.textElements} texts, smallest ${report.smallestFontPx} px`,
        );
        expectClean(report);
        // Each line of a tile stays inside it ("Plan Sep. 4,41 Mio € · Jahr 6,40 Mio €" ran 15 px
        // past the tile's content at 1920×1080).
        const overflowing = await page.$$eval('[data-testid="wall-plan"] .wall-plan-fact', (ps) =>
          ps
            .filter((p) => p.scrollWidth > p.clientWidth + 1)
            .map((p) => `${p.textContent}: ${p.scrollWidth} > ${p.clientWidth}`),
        );
        expect(overflowing).toEqual([]);
        await page.screenshot({ path: artifactPath(`wall-plan-${part}-${width}x${height}.png`) });
        // Still the same page: the tiles, the layout and the screenshot belong to part `part`.
        expect(await page.getAttribute('main.wall', 'data-page')).toBe(`plan:${part}`);
      }
      expect(tiles.map((t) => t.id)).toEqual(goals.map((g) => g.id));
      for (const g of goals) {
        const t = tiles.find((x) => x.id === g.id);
        expect(t?.value, g.id).toBe(v(g, g.current.value));
        expect(t?.path, g.id).toBe(v(g, g.planToDate));
        expect(t?.status, g.id).toBe(STATUS_TEXT[g.status].word);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  test('pages=all rotates from the overview to the plan pages, then the Tabelle 3 goals', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/wall?region=01060&interval=2&speed=2`);
    await page.waitForSelector('main.wall[data-page="overview"]');
    // Overview, the two plan pages, then the six Tabelle 3 goals: 9 pages, the plan pages second.
    await page.waitForFunction(
      () =>
        document.querySelector('main.wall')?.getAttribute('data-page') === 'plan:1' &&
        document.querySelector('[data-testid="wall-page-title"]')?.textContent ===
          'Eingliederung und Budget (Teil 1 von 2) · 2/9',
      undefined,
      { timeout: 15_000 },
    );
    await page.waitForSelector('main.wall[data-page="plan:2"]', { timeout: 10_000 });
    await page.waitForSelector('main.wall[data-page="goal:K2-female"]', { timeout: 10_000 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
