/**
 * The dashboard end to end: the real server (server/main.ts, sample data on a temporary database)
 * as a child process and a real Chromium. Every figure the UI shows is compared with the API's
 * answer formatted by web/format.ts. Screenshots go to test-artifacts/dashboard-*.png.
 *
 * Needs dist/web (run `npx vite build` first; `npm test` does).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  formatChange,
  formatChangePair,
  formatCount,
  formatDateTime,
  formatMonth,
  formatPercent,
  GENDER_TEXT,
  STATUS_TEXT,
  sampleLabel,
} from '../../core/format.js';
import { paceSentence } from '../../core/steering-text.js';
import { CsvReader } from '../../etl/csv.js';
import { DEFAULT_JOBCENTERS_PATH } from '../../etl/reference.js';
import type {
  AlertsResponse,
  ComparisonResponse,
  GoalSeriesResponse,
  GoalsResponse,
  MonthsResponse,
  RevisionsResponse,
} from '../../web/api';
import { ERROR_TEXT } from '../../web/lib/error-text';
import { moreRows, ROWS_AT_ONCE, rowCountText } from '../../web/lib/months-view';
import { PAGE_COLORS } from '../../web/lib/palette';
import { MONTHS_PAGE_SIZE } from '../../web/lib/url-state';
import { withServerAndBrowser } from '../helpers/e2e-suite';
import {
  artifactPath,
  launchBrowser,
  startServer,
  TEST_ADMIN_TOKEN,
  type TestServer,
  trackConsoleErrors,
  treatSampleAsReal,
} from '../helpers/server';

const E2E_TIMEOUT = 180_000;
/** Per wait: generous, as CI machines (2 cores) run the server, Chromium and other tests at once. */
const WAIT_TIMEOUT = 60_000;
const POLL = { timeout: 20_000 };

/**
 * Sets a checkbox the page controls through its URL state. Playwright's check()/uncheck() fail
 * when the box has not flipped by the time the click returns ("Clicking the checkbox did not
 * change its state"); the page re-renders from the URL a moment later, so this clicks once and
 * waits for the state.
 */
async function setChecked(box: Locator, checked: boolean): Promise<void> {
  if ((await box.isChecked()) !== checked) await box.click();
  await expect.poll(() => box.isChecked(), POLL).toBe(checked);
}

async function api<T>(server: TestServer, path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  // Test code reading the server's own contract; the types are the web client's inferred ones.
  return (await res.json()) as T;
}

/** A goal's value in the unit the API states for it. */
function goalValue(unit: string, v: number | null): string {
  return unit === 'percent' ? formatPercent(v) : formatCount(v);
}

function statusText(status: keyof typeof STATUS_TEXT): string {
  const s = STATUS_TEXT[status];
  return `${s.icon} ${s.word}`;
}

/** The outline style of the focused element (a visible focus indicator is not 'none'). */
async function focusOutline(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    return a ? getComputedStyle(a).outlineStyle : 'none';
  });
}

/** '#1c3d5a' as getComputedStyle writes it: 'rgb(28, 61, 90)'. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** "1.527" → 1527, "24,8 %" → 24.8, "+8,8 %" / "−0,4 %" → signed numbers. */
function parseDe(s: string): number {
  return Number(
    s
      .replace(/[%\s.]/g, '')
      .replace('−', '-')
      .replace('±', '')
      .replace(',', '.'),
  );
}

interface Session {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function open(browser: Browser, width = 1366, height = 768): Promise<Session> {
  const context = await browser.newContext({
    viewport: { width, height },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(WAIT_TIMEOUT);
  const page = await context.newPage();
  return { context, page, errors: trackConsoleErrors(page) };
}

/** A region of the server's other than `id` (the sample has its own region and four peers). */
async function anotherRegion(server: TestServer, id: string): Promise<{ id: string }> {
  const { regions } = await api<{ regions: { id: string }[] }>(server, '/api/regions');
  const other = regions.find((r) => r.id !== id);
  if (!other) throw new Error('the sample data has one region');
  return other;
}

/**
 * Holds back the browser's requests that `matches` until `release()`; `asked` resolves (and
 * `isAsked()` is true) when the page has made one. `requests` records every /api/ request the page makes from now on.
 */
async function holdRequests(page: Page, matches: (url: URL) => boolean) {
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  let arrived = () => {};
  let wasAsked = false;
  const asked = new Promise<void>((r) => {
    arrived = r;
  });
  await page.route(matches, async (route) => {
    wasAsked = true;
    arrived();
    await held;
    await route.continue();
  });
  const requests: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) requests.push(`${url.pathname}${url.search}`);
  });
  return { asked, isAsked: () => wasAsked, release, requests };
}

/** Holds back the browser's request for `path` of `region` (holdRequests). */
function holdBack(page: Page, path: string, region: string) {
  return holdRequests(page, (url) => url.pathname === path && url.searchParams.get('region') === region);
}

/** Holds back the month table's chunk (holdRequests). */
function holdMonthsChunk(page: Page) {
  return holdRequests(page, (url) => /^\/assets\/Months-[^/]*\.js$/.test(url.pathname));
}

/** The visible text of each cell of the table's body rows (screen-reader-only text removed). */
async function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows) =>
    rows.map((r) =>
      Array.from(r.children).map((cell) => {
        const copy = cell.cloneNode(true);
        if (copy instanceof Element) for (const h of copy.querySelectorAll('.visually-hidden')) h.remove();
        return (copy.textContent ?? '').replace(/\s*↻\s*/, '').trim();
      }),
    ),
  );
}

async function tableHeaders(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(`${selector} thead th`, (ths) => ths.map((th) => th.getAttribute('data-col') ?? ''));
}

/** Presses Tab until `match` holds for the focused element; returns how many presses it took. */
async function tabTo(
  page: Page,
  match: (el: { tag: string; text: string; label: string }) => boolean,
  max = 60,
) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement;
      const id = a?.id;
      const label = id ? (document.querySelector(`label[for="${id}"]`)?.textContent ?? '') : '';
      return { tag: a?.tagName ?? '', text: (a?.textContent ?? '').trim(), label };
    });
    if (match(el)) return i;
  }
  throw new Error('focus never reached the element');
}

describe('dashboard on the sample data', () => {
  let server: TestServer;
  let browser: Browser;

  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  }, E2E_TIMEOUT);

  test(
    'Überblick: six goal cards whose figures equal the API, header, sample badge, month selector',
    async () => {
      const all = await api<GoalsResponse>(server, '/api/goals');
      // Tabelle 3 here; the plan goals (kind cumulative, budget, capacity): tests/e2e/plan-goals.test.ts.
      const goals = { ...all, goals: all.goals.filter((g) => g.kind === 'change') };
      const cmp = await api<ComparisonResponse>(server, '/api/comparison');
      expect(goals.goals).toHaveLength(6);
      const { page, context, errors } = await open(browser);
      // The sparklines' series, started by the route prefetch as soon as the goals are known: each
      // asked for once (the cards find them in the cache), with the goals' year and data month.
      // Every other answer the overview needs is asked for once too: the route prefetch and the
      // components share their queries (a different key would show as a second request).
      const seriesRequests: string[] = [];
      const apiRequests: string[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/')) apiRequests.push(url.pathname);
        if (!/^\/api\/goals\/[^/]+\/series$/.test(url.pathname)) return;
        url.searchParams.sort();
        seriesRequests.push(`${url.pathname}?${url.searchParams}`);
      });
      await page.goto(`${server.url}/`);
      await page.waitForSelector('article[data-testid^="goal-"]');
      // Wait for the sparklines too (they load after the goals, in parallel).
      await page.waitForFunction(
        () => document.querySelectorAll('svg.sparkline path.spark-current').length === 6,
      );
      expect(seriesRequests.sort()).toEqual(
        goals.goals
          .map(
            (g) =>
              `/api/goals/${g.id}/series?month=${goals.dataMonth}&region=${goals.region.id}&year=${goals.year}`,
          )
          .sort(),
      );
      await page.waitForSelector('[data-field="peer-share"]');
      await page.waitForLoadState('networkidle');
      expect(apiRequests.filter((p) => !p.endsWith('/series')).sort()).toEqual([
        '/api/comparison',
        '/api/goals',
        '/api/me',
        '/api/regions',
        '/api/version',
      ]);

      expect(await page.locator('article[data-testid^="goal-"]').count()).toBe(6);
      const header = await page.locator('.page-head').textContent();
      expect(header).toContain(`Datenstand: ${formatMonth(goals.dataMonth)}`);
      expect(header).toContain(`geladen am ${formatDateTime(goals.loadedAt)}`);
      expect(goals.region.sample).toBe(true);
      await expect(page.locator('.badge-sample').textContent()).resolves.toBe(
        sampleLabel(goals.region.sampleAsOf),
      );
      expect(await page.locator('h1').textContent()).toBe(`${goals.region.name} · Ziele ${goals.year}`);

      for (const g of goals.goals) {
        const card = page.locator(`[data-testid="goal-${g.id}"]`);
        const text = async (field: string) => card.locator(`[data-field="${field}"]`).first().textContent();
        expect(await text('current')).toBe(goalValue(g.unit, g.current.value));
        expect(await text('previous')).toBe(goalValue(g.unit, g.previous.value));
        const pair = formatChangePair(g.changePct, g.targetChangePct);
        expect(await text('change')).toBe(`${pair.change} (Ziel: ${pair.target})`);
        expect(await card.locator('.goal-card-head [data-status]').textContent()).toBe(statusText(g.status));
        // The forecast, labelled. The sample's backtest errors for 2024 come from too few other
        // years for an 80 % interval: K3 from 2022 and 2023 (five regions × two years: ten cases,
        // but two years' effects), K2 from 2023 alone (the JFW of 2021 lacks December 2020). No
        // interval, no probability, and the card says why.
        expect(await card.locator('.forecast-label').textContent()).toBe('Prognose Dez.:');
        expect(await text('forecast-change')).toBe(
          formatChangePair(g.forecast.changePct, g.targetChangePct).change,
        );
        expect(g.forecast.interval).toBeNull();
        expect(g.forecast.probabilityMet).toBeNull();
        expect(g.forecast.reason).toBe(
          g.indicator === 'K3'
            ? 'zu wenig Historie (Prognosefehler aus nur 2 anderen Jahren, mindestens 3 nötig).'
            : 'zu wenig Historie (5 Vergleichsfälle aus nur einem anderen Jahr; mindestens 10 aus 3 anderen Jahren nötig).',
        );
        expect(await card.locator('[data-field="forecast-interval"]').count()).toBe(0);
        expect(await card.locator('[data-field="forecast-probability"]').count()).toBe(0);
        expect(await text('forecast-note')).toBe(g.forecast.reason);
        if (g.pace === null) throw new Error(`${g.id}: pace expected at ${g.current.month}`);
        expect(await text('pace')).toBe(
          paceSentence(g.pace, g.current.month, g.formula === 'stock' ? g.monthly.value : null),
        );
        expect(await card.locator('h3 a').getAttribute('href')).toContain(`/ziel/${g.id}`);
        expect(await card.locator('svg.sparkline path.spark-current').getAttribute('d')).toMatch(
          /^M[\d.]+ [\d.]+L/,
        );
      }
      // K2 cards come first (grouped by indicator), Frauen / Männer / insgesamt inside.
      const order = await page.$$eval('article[data-testid^="goal-"]', (as) =>
        as.map((a) => a.getAttribute('data-testid')),
      );
      expect(order).toEqual(
        ['K2-female', 'K2-male', 'K2-total', 'K3-female', 'K3-male', 'K3-total'].map((id) => `goal-${id}`),
      );

      // Vergleichstyp panel.
      expect(await page.locator('[data-field="own-share"]').textContent()).toBe(
        formatPercent(cmp.ownSharePct),
      );
      expect(await page.locator('[data-field="peer-share"]').textContent()).toBe(
        formatPercent(cmp.peerMeanPct),
      );
      await page.screenshot({ path: artifactPath('dashboard-overview.png'), fullPage: true });

      // The goals as they stood at June: the URL keeps the month, the figures follow the API.
      const june = `${goals.year}-06`;
      await page.getByLabel('Stand zum Monat').selectOption(june);
      await page.waitForURL(/month=\d{4}-06/);
      // June is not the Datenstand: both are named.
      await page.waitForFunction(
        (m) => document.querySelector('[data-field="data-month"]')?.textContent === `Stand zum Monat: ${m}`,
        formatMonth(june),
      );
      expect(await page.locator('[data-field="latest-month"]').textContent()).toBe(
        `Datenstand: ${formatMonth(goals.dataMonth)}`,
      );
      const atJune = await api<GoalsResponse>(server, `/api/goals?month=${june}`);
      expect(atJune.dataMonth).toBe(june);
      for (const g of atJune.goals.filter((x) => x.kind === 'change')) {
        const card = page.locator(`[data-testid="goal-${g.id}"]`);
        expect(await card.locator('[data-field="current"]').textContent()).toBe(
          goalValue(g.unit, g.current.value),
        );
        expect(await card.locator('.goal-card-head [data-status]').textContent()).toBe(statusText(g.status));
      }
      // A shared URL restores the same state.
      seriesRequests.length = 0;
      await page.reload();
      await page.waitForSelector('article[data-testid^="goal-"]');
      expect(await page.locator('[data-field="data-month"]').textContent()).toBe(
        `Stand zum Monat: ${formatMonth(june)}`,
      );
      await page.waitForFunction(
        () => document.querySelectorAll('svg.sparkline path.spark-current').length === 6,
      );
      // The prefetch asks for June's series, as the cards do: six requests, none twice.
      expect(seriesRequests).toHaveLength(6);
      expect(new Set(seriesRequests).size).toBe(6);
      expect(seriesRequests.every((u) => u.includes(`month=${june}`))).toBe(true);
      // The month choice offers the months with data: the newest is named, a year after the data
      // offers none and says so (it listed "neuester (Dezember <year>)" and twelve empty months).
      const monthSelect = page.getByLabel('Stand zum Monat');
      expect(await monthSelect.locator('option').first().textContent()).toBe(
        `neuester (${formatMonth(goals.dataMonth)})`,
      );
      await page.goto(`${server.url}/?year=${goals.year + 1}`);
      await page.waitForFunction(
        (y) => document.querySelector('#overview-h')?.textContent?.includes(String(y)),
        goals.year + 1,
      );
      expect(await monthSelect.locator('option').allTextContents()).toEqual([
        `keine Daten für ${goals.year + 1}`,
      ]);

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'Ziel: the chart is drawn, the table holds its numbers, gender tabs, a click opens Monatswerte',
    async () => {
      const series = await api<GoalSeriesResponse>(server, '/api/goals/K2-female/series');
      const { page, context, errors } = await open(browser);
      const apiRequests: string[] = [];
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/')) apiRequests.push(url.pathname);
      });
      await page.goto(`${server.url}/ziel/K2-female`);
      await page.waitForSelector('[data-testid="goal-chart"] svg path', { state: 'attached' });
      // The page's answers, each asked for once: the route prefetch (the comments as soon as the
      // series names the goal's region and year) and the components share their queries.
      await page.waitForLoadState('networkidle');
      expect(apiRequests.sort()).toEqual([
        '/api/comments',
        '/api/goals',
        '/api/goals/K2-female/backtest',
        '/api/goals/K2-female/series',
        '/api/me',
        '/api/version',
      ]);

      // The chart: an SVG with the lines (this year in Okabe-Ito blue), legend entries in German.
      const chart = page.locator('[data-testid="goal-chart"]');
      const paths = await chart.locator('svg path').count();
      expect(paths).toBeGreaterThan(30);
      const currentLine = await chart
        .locator('svg path[stroke="#0072B2"][fill="none"]')
        .first()
        .getAttribute('d');
      expect(currentLine?.length ?? 0).toBeGreaterThan(50);
      const svgText = await chart.locator('svg').textContent();
      for (const label of [
        'Zielpfad',
        'Prognose',
        'revidiert',
        `${series.year - 1} (Vorjahr)`,
        'Jan.',
        'Dez.',
      ]) {
        expect(svgText).toContain(label);
      }
      // The change chart, further down: drawn once it comes into view (charts below the fold wait
      // for the scroll, so the page's first paint does not pay for them). Before: an empty box of
      // its final height, so nothing moves when it is drawn.
      const changeChart = page.locator('[data-testid="change-chart"]');
      expect(await changeChart.locator('svg').count()).toBe(0);
      const boxBefore = await changeChart.boundingBox();
      expect(boxBefore?.height ?? 0).toBeGreaterThan(200);
      await changeChart.scrollIntoViewIfNeeded();
      await page.waitForSelector('[data-testid="change-chart"] svg path[stroke="#D55E00"]', {
        state: 'attached',
      });
      expect(await changeChart.locator('svg path[stroke="#D55E00"]').count()).toBeGreaterThan(0);
      expect((await changeChart.boundingBox())?.height).toBe(boxBefore?.height);
      const ariaLabel = await chart.getAttribute('aria-label');
      expect(ariaLabel).toContain(formatPercent(series.goal.current.value));

      // The table below is the chart's data.
      const cells = await tableCells(page, '[data-testid="goal-table"]');
      expect(cells).toHaveLength(series.points.length);
      series.points.forEach((p, i) => {
        expect(cells[i]).toEqual([
          formatMonth(p.month),
          formatPercent(p.current),
          formatPercent(p.previous),
          formatChange(p.changePct),
          formatPercent(p.target),
          formatPercent(p.atRiskEdge),
          p.forecast === null ? '' : formatPercent(p.forecast),
        ]);
      });
      // A German tooltip on hover.
      await chart.scrollIntoViewIfNeeded();
      const box = await chart.boundingBox();
      if (!box) throw new Error('chart has no box');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll('[data-testid="goal-chart"] div')).some((d) =>
          /Zielpfad: .*%/.test(d.textContent ?? ''),
        ),
      );
      await page.screenshot({ path: artifactPath('dashboard-goal.png'), fullPage: true });

      // Gender tabs: arrow keys move between them; the URL and the figures follow.
      await page.getByRole('tab', { name: 'Frauen' }).focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForURL(/\/ziel\/K2-male/);
      const male = await api<GoalSeriesResponse>(server, '/api/goals/K2-male/series');
      await page.waitForFunction(
        (v) => document.querySelector('[data-field="current"]')?.textContent === v,
        formatPercent(male.goal.current.value),
      );
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Männer');
      expect(await page.getByRole('tab', { name: 'Männer' }).getAttribute('aria-selected')).toBe('true');

      // A click on the June column of the chart opens Monatswerte for June, men.
      await chart.scrollIntoViewIfNeeded();
      const juneLabel = chart.locator('svg text', { hasText: /^Juni$/ });
      const lb = await juneLabel.boundingBox();
      const cb = await chart.boundingBox();
      if (!lb || !cb) throw new Error('no label box');
      await page.mouse.click(lb.x + lb.width / 2, cb.y + cb.height / 2);
      await page.waitForURL(/\/monate\?/);
      const url = new URL(page.url());
      expect(url.searchParams.get('from')).toBe(`${series.year}-06`);
      expect(url.searchParams.get('to')).toBe(`${series.year}-06`);
      expect(url.searchParams.get('gender')).toBe('male');
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      const rows = await tableCells(page, '[data-testid="months-table"]');
      expect(rows.map((r) => [r[0], r[1]])).toEqual([[formatMonth(`${series.year}-06`), 'Männer']]);

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'Monatswerte: sorting, filters, column visibility, and CSV/XLSX exports of exactly the rows in view',
    async () => {
      const { page, context, errors } = await open(browser, 1600, 900);
      const year = (await api<GoalsResponse>(server, '/api/goals')).year;
      const from = `${year}-01`;
      const to = `${year}-09`;
      await page.goto(`${server.url}/monate?from=${from}&to=${to}`);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      expect(await page.locator('.badge-sample').textContent()).toBe('Beispieldaten, Stand September 2024');
      const all = await api<MonthsResponse>(server, `/api/months?from=${from}&to=${to}&pageSize=1000`);
      expect(await page.locator('[data-testid="months-table"] tbody tr').count()).toBe(all.total);
      // The column's K3 is the month against the same month a year earlier, not the goal's K3
      // (the change of the year-to-date mean): the header says so (audit finding 10).
      expect(await page.locator('th[data-col="k3"]').textContent()).toContain('K3 (ggü. Vorjahresmonat)');

      // Sort by Integrationen: ascending, then descending; aria-sort and the URL follow.
      const intHeader = page.locator('th[data-col="int"]');
      await intHeader.getByRole('button').click();
      await page.waitForURL(/sort=int%3Aasc|sort=int:asc/);
      await expect.poll(() => intHeader.getAttribute('aria-sort'), POLL).toBe('ascending');
      const intIndex = (await tableHeaders(page, '[data-testid="months-table"]')).indexOf('int');
      const shownInts = async () =>
        (await tableCells(page, '[data-testid="months-table"]')).map((r) => parseDe(r[intIndex] ?? ''));
      // The rows follow once the sorted page has arrived: the server's order, ascending.
      const ascByApi = await api<MonthsResponse>(
        server,
        `/api/months?from=${from}&to=${to}&sort=int:asc&pageSize=1000`,
      );
      await expect.poll(shownInts, POLL).toEqual(ascByApi.rows.map((r) => r.int));
      const asc = await shownInts();
      expect(asc).toEqual([...asc].sort((a, b) => a - b));
      await intHeader.getByRole('button').click();
      await expect.poll(() => intHeader.getAttribute('aria-sort'), POLL).toBe('descending');
      const descByApi = await api<MonthsResponse>(
        server,
        `/api/months?from=${from}&to=${to}&sort=int:desc&pageSize=1000`,
      );
      await expect.poll(shownInts, POLL).toEqual(descByApi.rows.map((r) => r.int));
      const desc = await shownInts();
      expect(desc).toEqual([...desc].sort((a, b) => b - a));

      // Filter: without men.
      await setChecked(page.getByTestId('filter-gender-male'), false);
      await page.waitForURL(/gender=female%2Ctotal|gender=female,total/);
      await page.waitForFunction(
        () =>
          !Array.from(document.querySelectorAll('[data-testid="months-table"] tbody tr')).some(
            (r) => r.getAttribute('data-gender') === 'male',
          ),
      );
      const noMen = await api<MonthsResponse>(
        server,
        `/api/months?from=${from}&to=${to}&gender=female,total&pageSize=1000`,
      );
      await expect
        .poll(() => page.locator('[data-testid="months-table"] tbody tr').count(), POLL)
        .toBe(noMen.total);
      // The month fields show the URL's period as Germans write it.
      const fromField = page.getByTestId('filter-from');
      const toField = page.getByTestId('filter-to');
      expect(await fromField.inputValue()).toBe(`01.${year}`);
      expect(await toField.inputValue()).toBe(`09.${year}`);
      // Narrow the range: "4.<year>" typed (applied on Enter: a one-digit month may still be on its
      // way to two digits), then shown as "04.<year>".
      await fromField.fill(`4.${year}`);
      await fromField.press('Enter');
      await page.waitForURL(new RegExp(`from=${year}-04`));
      await expect.poll(() => fromField.inputValue(), POLL).toBe(`04.${year}`);
      const narrowed = await api<MonthsResponse>(
        server,
        `/api/months?from=${year}-04&to=${to}&gender=female,total&pageSize=1000`,
      );
      await expect
        .poll(() => page.locator('[data-testid="months-table"] tbody tr').count(), POLL)
        .toBe(narrowed.total);
      // A text that is no month, or a "bis" before the "von": the reason under the field once it is
      // left (a live region), marked invalid, and the filter (URL and rows) as it was.
      const before = page.url();
      const toProblem = page.getByTestId('filter-to-problem');
      await toField.fill('13.2024');
      await toField.press('Tab');
      await expect
        .poll(() => toProblem.textContent(), POLL)
        .toBe('Kein gültiger Monat. Bitte als MM.JJJJ eingeben, z. B. 04.2024.');
      expect(await toProblem.getAttribute('aria-live')).toBe('polite');
      expect(await toField.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await toField.getAttribute('aria-describedby'))?.split(' ') ?? [];
      expect(describedBy).toContain(await toProblem.getAttribute('id'));
      expect(await page.locator(`[id="${describedBy.at(-1)}"]`).textContent()).toContain('MM.JJJJ');
      await toField.fill(`03.${year}`);
      await toField.press('Enter');
      await expect
        .poll(() => toProblem.textContent(), POLL)
        .toBe(`Liegt vor dem Beginn des Zeitraums (${formatMonth(`${year}-04`)}).`);
      expect(page.url()).toBe(before);
      expect(await page.locator('[data-testid="months-table"] tbody tr').count()).toBe(narrowed.total);
      // Put right, in another spelling: applied when the field is left, shown as the field writes it.
      await toField.fill(`August ${year}`);
      expect(page.url()).toBe(before);
      await toField.press('Tab');
      await page.waitForURL(new RegExp(`to=${year}-08`));
      await expect.poll(() => toProblem.textContent(), POLL).toBe('');
      expect(await toField.getAttribute('aria-invalid')).toBeNull();
      await expect.poll(() => toField.inputValue(), POLL).toBe(`08.${year}`);
      // The month edited in place, key by key: "1.<year>" (January, within the period) on the way
      // to "11.<year>" is not applied; one history entry for the one month applied.
      await toField.fill(`12.${year}`);
      await toField.press('Enter');
      await page.waitForURL(new RegExp(`to=${year}-12`));
      const toDecember = await api<MonthsResponse>(
        server,
        `/api/months?from=${year}-04&to=${year}-12&gender=female,total&pageSize=1000`,
      );
      await expect
        .poll(() => page.locator('[data-testid="months-table"] tbody tr').count(), POLL)
        .toBe(toDecember.total);
      const asked: string[] = [];
      const onRequest = (r: { url(): string }) => {
        const u = new URL(r.url());
        if (u.pathname === '/api/months') asked.push(u.searchParams.get('from') ?? '');
      };
      page.on('request', onRequest);
      const entries = await page.evaluate(() => history.length);
      await fromField.click();
      await fromField.press('Home');
      await fromField.press('Delete');
      await fromField.press('Delete');
      await fromField.pressSequentially('11');
      await page.waitForURL(new RegExp(`from=${year}-11`));
      await expect.poll(() => fromField.inputValue(), POLL).toBe(`11.${year}`);
      await page.waitForSelector('text=Keine Monatswerte für diese Filter');
      page.off('request', onRequest);
      expect(asked.filter((f) => f !== `${year}-11`)).toEqual([]);
      expect(await page.evaluate(() => history.length)).toBe(entries + 1);
      // Back: the field shows the month of the URL again, not what was typed.
      await page.goBack();
      await page.waitForURL(new RegExp(`from=${year}-04`));
      await expect.poll(() => fromField.inputValue(), POLL).toBe(`04.${year}`);
      await expect
        .poll(() => page.locator('[data-testid="months-table"] tbody tr').count(), POLL)
        .toBe(toDecember.total);
      // "nur revidierte" on untouched sample data: nothing, and an empty state says so.
      await setChecked(page.getByTestId('filter-revised'), true);
      await page.waitForSelector('text=Keine Monatswerte für diese Filter');
      await setChecked(page.getByTestId('filter-revised'), false);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');

      // Column visibility: hide eLb and K3.
      await setChecked(page.getByTestId('col-elb'), false);
      await setChecked(page.getByTestId('col-k3'), false);
      await page.waitForURL(/cols=/);
      const headers = await tableHeaders(page, '[data-testid="months-table"]');
      expect(headers).toEqual(['month', 'gender', 'int', 'lzb', 'k2', 'jfw']);
      await page.screenshot({ path: artifactPath('dashboard-months.png'), fullPage: true });

      const view = await tableCells(page, '[data-testid="months-table"]');
      expect(view.length).toBeGreaterThan(5);

      // CSV (German Excel): BOM, ';', exactly the rows and columns in view, in the same order.
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      const csvPath = await csvDownload.path();
      const csv = await readFile(csvPath, 'utf8');
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      // Sample data end with a note after a blank line, like the footer of a BA table.
      const [table = '', footer = ''] = csv.slice(1).split('\r\n\r\n');
      expect(footer.trim()).toBe(
        'Beispieldaten, Stand September 2024 – synthetische Zahlen, keine Daten der Statistik der Bundesagentur für Arbeit',
      );
      expect(csvDownload.suggestedFilename()).toContain('beispieldaten');
      const csvRows = table.split('\r\n').map((l) => l.split(';'));
      expect(csvRows[0]).toHaveLength(headers.length);
      expect(csvRows[0]?.[0]).toBe('Monat');
      expect(csvRows.slice(1)).toHaveLength(view.length);
      const csvNum = (s: string | undefined) =>
        s === undefined || s === '' ? null : Number(s.replace(',', '.'));
      view.forEach((cells, i) => {
        const r = csvRows[i + 1] ?? [];
        expect(r[0]).toBe(cells[0]); // Monat
        expect(r[1]).toBe(cells[1]); // Geschlecht
        expect(formatCount(csvNum(r[2]))).toBe(cells[2]); // Integrationen
        expect(formatCount(csvNum(r[3]))).toBe(cells[3]); // LZB
        expect(formatPercent(csvNum(r[4]))).toBe(cells[4]); // K2
        expect(formatPercent(csvNum(r[5]))).toBe(cells[5]); // JFW
      });

      // XLSX: the same rows and columns, numbers as numbers.
      const [xlsxDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-xlsx').click(),
      ]);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.read(createReadStream(await xlsxDownload.path()));
      const ws = wb.worksheets[0];
      if (!ws) throw new Error('no worksheet');
      const sheet: unknown[][] = [];
      ws.eachRow((row) => {
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        sheet.push(values);
      });
      expect(sheet[0]).toHaveLength(headers.length);
      expect(sheet[0]?.[0]).toBe('Monat');
      // The last row is the sample-data note (eachRow skips the blank row before it).
      expect(String(sheet.pop()?.[0])).toMatch(/^Beispieldaten, Stand September 2024 – synthetische Zahlen/);
      expect(sheet.slice(1)).toHaveLength(view.length);
      view.forEach((cells, i) => {
        const r = sheet[i + 1] ?? [];
        // The month as a date cell (Excel sorts it by time) showing the month of the row in view.
        expect(r[0]).toBeInstanceOf(Date);
        expect(formatMonth((r[0] as Date).toISOString().slice(0, 7))).toBe(cells[0]);
        expect(r[1]).toBe(cells[1]);
        expect(typeof r[2]).toBe('number');
        expect(formatCount(Number(r[2]))).toBe(cells[2]);
        expect(formatCount(Number(r[3]))).toBe(cells[3]);
        expect(formatPercent(Number(r[4]))).toBe(cells[4]);
        expect(formatPercent(Number(r[5]))).toBe(cells[5]);
      });

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'Monatswerte: a screenful of rows at once, the rest by scrolling or "Weitere Zeilen anzeigen" (keyboard); the export holds every row',
    async () => {
      const { page, context, errors } = await open(browser, 1366, 768);
      const all = await api<MonthsResponse>(server, `/api/months?pageSize=${MONTHS_PAGE_SIZE}`);
      const onPage = all.rows.length;
      // Enough rows for two steps and the "Alle" button after the first.
      expect(onPage).toBeGreaterThan(3 * ROWS_AT_ONCE);
      const rows = page.locator('[data-testid="months-table"] tbody tr');
      const shownMonths = async () =>
        (await tableCells(page, '[data-testid="months-table"]')).map((r) => r[0]);
      const apiMonths = (n: number) => all.rows.slice(0, n).map((r) => formatMonth(r.month));

      await page.goto(`${server.url}/monate`);
      await rows.first().waitFor();
      expect(await rows.count()).toBe(ROWS_AT_ONCE);
      expect(await shownMonths()).toEqual(apiMonths(ROWS_AT_ONCE));
      expect(await page.getByTestId('row-count').textContent()).toBe(
        rowCountText({ total: all.total, page: 1, pages: 1, shown: ROWS_AT_ONCE, onPage }),
      );

      // Scrolling to the end of the table's box shows the next rows; the focus stays where it was.
      await page.locator('.table-scroll').evaluate((box) => {
        box.scrollTop = box.scrollHeight;
      });
      await expect.poll(() => rows.count(), POLL).toBe(moreRows(ROWS_AT_ONCE, onPage));
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');

      // By keyboard (after a reload: a screenful again): the button adds the next rows and moves
      // the focus to the first of them.
      await page.reload();
      await rows.first().waitFor();
      expect(await rows.count()).toBe(ROWS_AT_ONCE);
      await tabTo(page, (el) => el.tag === 'BUTTON' && el.text.startsWith('Weitere'));
      await page.keyboard.press('Enter');
      await expect.poll(() => rows.count(), POLL).toBe(moreRows(ROWS_AT_ONCE, onPage));
      expect(await page.evaluate(() => document.activeElement?.getAttribute('scope'))).toBe('row');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
        apiMonths(ROWS_AT_ONCE + 1)[ROWS_AT_ONCE],
      );
      // "Alle … anzeigen": every row of the page, in the server's order; the buttons are gone.
      await page
        .getByRole('button', { name: `Alle ${formatCount(onPage)} Zeilen dieser Seite anzeigen` })
        .click();
      await expect.poll(() => rows.count(), POLL).toBe(onPage);
      expect(await shownMonths()).toEqual(apiMonths(onPage));
      expect(await page.getByTestId('more-rows').count()).toBe(0);

      // The CSV export holds every row, not the rows rendered.
      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      const csv = await readFile(await csvDownload.path(), 'utf8');
      const [table = ''] = csv.slice(1).split('\r\n\r\n');
      expect(table.split('\r\n').slice(1)).toHaveLength(all.total);

      // Another sort is another query: a screenful again, from the top.
      await page.locator('th[data-col="int"]').getByRole('button').click();
      await page.waitForURL(/sort=int/);
      await expect.poll(() => rows.count(), POLL).toBe(ROWS_AT_ONCE);

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'the overview loads at most 250 KB of gzipped JavaScript, and no ECharts',
    async () => {
      const { page, context, errors } = await open(browser);
      const scripts = new Map<string, Promise<Buffer>>();
      page.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.set(r.url(), r.body());
      });
      await page.goto(`${server.url}/`);
      await page.waitForFunction(
        () => document.querySelectorAll('svg.sparkline path.spark-current').length === 6,
      );
      let gzipped = 0;
      let raw = 0;
      for (const body of scripts.values()) {
        const b = await body;
        raw += b.length;
        gzipped += gzipSync(b).length;
        // ECharts registers itself under this name; it must not be in the overview's code.
        expect(b.toString('utf8')).not.toContain('echarts');
      }
      console.info(
        `overview initial JS: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzipped`,
      );
      expect(scripts.size).toBeGreaterThan(1); // code-split: the page is its own chunk
      expect(gzipped).toBeLessThanOrEqual(250 * 1024);
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    "Monatswerte: the heading and description paint while the page's code loads; the focus goes to the page's own heading",
    async () => {
      // 1366 px: on a phone the heading may wrap once the region's name joins it, which moves the
      // description whether or not a stand-in came first.
      const { page, context, errors } = await open(browser);
      // The page's chunk held back until released.
      const chunk = await holdMonthsChunk(page);
      // Each paint by the id of its element, which the entry keeps as it was painted: the shell's
      // description is painted first, and React's first commit replaces it with its own (the
      // entry's `element` is null once its node is gone, whenever the observer runs after that).
      await page.addInitScript(() => {
        const w = window as unknown as { lcp: string[] };
        w.lcp = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as (PerformanceEntry & { id: string })[]) w.lcp.push(e.id);
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      });
      const description =
        'Integrationen (INT), erwerbsfähige Leistungsberechtigte (eLb) und Langzeitleistungsbeziehende (LZB) je Monat und Geschlecht, mit K2, JFW und K3.';

      // A direct load: heading, description and a loading line before the chunk has come.
      await page.goto(`${server.url}/monate`);
      await page.waitForSelector('main h1[data-placeholder]');
      expect(chunk.isAsked()).toBe(true);
      expect(await page.locator('main h1').textContent()).toBe('Monatswerte');
      expect((await page.locator('main p.meta').textContent())?.trim()).toBe(description);
      expect(await page.locator('main [role="status"]').textContent()).toContain('Lade Monatswerte');
      await expect.poll(() => page.title(), POLL).toBe('Monatswerte – Zielmonitor');
      // The description is the largest text painted so far (what a browser reports as the page's
      // largest contentful paint).
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { lcp: string[] }).lcp.at(-1)), POLL)
        .toBe('months-d');
      const placeholderBox = await page.locator('main p.meta').boundingBox();
      chunk.release();
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      expect(await page.locator('main h1[data-placeholder]').count()).toBe(0);
      expect(await page.locator('main h1').count()).toBe(1);
      expect((await page.locator('main p.meta').textContent())?.trim()).toContain(description);
      // The page's own head stands where the stand-in stood.
      const pageBox = await page.locator('main p.meta').boundingBox();
      expect(placeholderBox).not.toBeNull();
      expect(pageBox).not.toBeNull();
      expect(pageBox?.x).toBe(placeholderBox?.x);
      expect(pageBox?.y).toBe(placeholderBox?.y);

      // A navigation by the menu, with the chunk held again (a fresh page): the stand-in's heading
      // does not take the focus; the page's own heading does once it is there.
      const second = await context.newPage();
      const secondErrors = trackConsoleErrors(second);
      const chunk2 = await holdMonthsChunk(second);
      await second.goto(`${server.url}/`);
      await second.waitForSelector('article[data-testid^="goal-"]');
      await second.getByRole('link', { name: 'Monatswerte' }).click();
      await second.waitForSelector('main h1[data-placeholder]');
      expect(await second.evaluate(() => document.activeElement?.hasAttribute('data-placeholder'))).toBe(
        false,
      );
      chunk2.release();
      await second.waitForSelector('[data-testid="months-table"] tbody tr');
      await second.waitForFunction(
        () =>
          document.activeElement?.tagName === 'H1' &&
          !document.activeElement.hasAttribute('data-placeholder'),
      );
      expect(await second.evaluate(() => document.activeElement?.textContent)).toMatch(/^Monatswerte/);

      expect(errors).toEqual([]);
      expect(secondErrors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    "page shells: a page's HTML paints the chrome and the page's loading state before any script; React's first render is the same markup and replaces it",
    async () => {
      // Without JavaScript at all: what the HTML alone paints.
      const still = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1366, height: 768 },
      });
      const plain = await still.newPage();
      await plain.goto(`${server.url}/monate`);
      expect(await plain.locator('main h1').textContent()).toBe('Monatswerte');
      expect(await plain.locator('main p.meta').isVisible()).toBe(true);
      expect(await plain.locator('nav a[aria-current="page"]').textContent()).toBe('Monatswerte');
      // In the palette's colours (which the main script would otherwise set), with the notice
      // that the app needs JavaScript instead of a loading line that would never end.
      const headerBg = await plain
        .locator('header.app-header')
        .evaluate((h) => getComputedStyle(h).backgroundColor);
      expect(headerBg).toBe(rgb(PAGE_COLORS.headerBg));
      expect(await plain.locator('main [role="status"]').textContent()).toContain('Lade Monatswerte');
      expect(await plain.locator('main [role="status"]').isVisible()).toBe(false);
      const notice = plain.locator('body > noscript > p.banner');
      expect(await notice.textContent()).toContain('Der Zielmonitor braucht JavaScript.');
      expect(await notice.isVisible()).toBe(true);
      await plain.goto(`${server.url}/`);
      expect(await plain.locator('nav a[aria-current="page"]').textContent()).toBe('Überblick');
      expect(await plain.locator('main [role="status"]').textContent()).toContain('Lade Ziele');
      await plain.goto(`${server.url}/wall`);
      expect(await plain.locator('#root').innerHTML()).toBe('');
      // A shell by its own path is not a page: index.html, which the app answers as unknown.
      expect((await plain.goto(`${server.url}/shells/monate.html`))?.status()).toBe(200);
      expect(await plain.locator('#root').innerHTML()).toBe('');
      await still.close();

      // With JavaScript, the page's code and every API answer held: the markup React commits
      // first is the shell's, node for node, and it replaces the shell (one header, one heading).
      const { page, context, errors } = await open(browser);
      const chunk = await holdMonthsChunk(page);
      const answers = await holdRequests(page, (url) => url.pathname.startsWith('/api/'));
      await page.addInitScript(() => {
        const w = window as unknown as { shell?: { html: string; first: Element | null } };
        document.addEventListener('readystatechange', () => {
          const root = document.getElementById('root');
          // "interactive": the HTML is parsed, no module script has run yet.
          if (document.readyState === 'interactive' && root && !w.shell)
            w.shell = { html: root.innerHTML, first: root.firstElementChild };
        });
      });
      await page.goto(`${server.url}/monate`);
      await page.waitForFunction(() => {
        const w = window as unknown as { shell?: { first: Element | null } };
        const first = document.getElementById('root')?.firstElementChild;
        return w.shell !== undefined && first != null && first !== w.shell.first;
      });
      const [shell, first] = await page.evaluate(() => [
        (window as unknown as { shell: { html: string } }).shell.html,
        document.getElementById('root')?.innerHTML ?? '',
      ]);
      expect(shell).toContain('<h1 id="months-h" tabindex="-1" data-placeholder="true">Monatswerte</h1>');
      expect(first).toBe(shell);
      chunk.release();
      answers.release();
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      expect(await page.locator('header.app-header').count()).toBe(1);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.locator('footer.app-footer').count()).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    "compile hint: the scripts every page runs at load begin with V8's hint as the server sends them (brotli, gzip, plain), a page's own chunk does not",
    async () => {
      const { page, context, errors } = await open(browser);
      // The scripts the HTML names (the entry and the chunks it preloads), taken when the HTML is
      // parsed and before any module has run (the page's own chunks are preloaded later, by it).
      await page.addInitScript(() => {
        document.addEventListener('readystatechange', () => {
          const w = window as unknown as { startup?: string[] };
          if (document.readyState !== 'interactive' || w.startup) return;
          w.startup = [
            ...[...document.querySelectorAll<HTMLScriptElement>('script[type="module"][src]')].map(
              (s) => s.src,
            ),
            ...[...document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]')].map(
              (l) => l.href,
            ),
          ];
        });
      });
      await page.goto(`${server.url}/monate`);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      const urls = await page.evaluate(() => ({
        startup: (window as unknown as { startup: string[] }).startup,
        months: performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => /\/assets\/Months-[^/]+\.js$/.test(n)),
      }));
      expect(urls.startup.length).toBeGreaterThanOrEqual(2);
      expect(urls.months).toHaveLength(1);
      // Each as the server sends it: the brotli copy, the gzip copy and the file itself (fetch
      // decodes what it was sent).
      const head = async (url: string, encoding: string) => {
        const res = await fetch(url, { headers: { 'accept-encoding': encoding } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-encoding') ?? 'identity').toBe(encoding);
        return (await res.text()).slice(0, 40);
      };
      for (const encoding of ['br', 'gzip', 'identity']) {
        for (const url of urls.startup)
          expect((await head(url, encoding)).startsWith('//# allFunctionsCalledOnLoad\n')).toBe(true);
        expect(await head(urls.months[0] ?? '', encoding)).not.toContain('allFunctionsCalledOnLoad');
      }
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'keyboard: skip link, controls, card links and table sorting are reachable without a mouse',
    async () => {
      const { page, context, errors } = await open(browser);
      await page.goto(`${server.url}/`);
      await page.waitForSelector('article[data-testid^="goal-"]');

      // The first Tab lands on the skip link; Enter jumps to the main content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Zum Inhalt springen');
      expect(await focusOutline(page)).not.toBe('none');
      // It appears over the navy header: its ring is the header's white (the blue ring was 2.2:1 there).
      expect(
        await page.evaluate(() =>
          document.activeElement ? getComputedStyle(document.activeElement).outlineColor : '',
        ),
      ).toBe(rgb(PAGE_COLORS.headerText));
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      // From there: the month selector, then the first goal card's link.
      await tabTo(page, (el) => el.tag === 'SELECT' && el.label === 'Stand zum Monat');
      expect(await focusOutline(page)).not.toBe('none');
      await tabTo(page, (el) => el.tag === 'A' && el.text.startsWith('Integrationsquote Frauen'));
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/ziel\/K2-female/);
      // After the navigation the new page's heading has the focus.
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');

      // The main navigation by keyboard, then sorting a column with Enter.
      await page.goto(`${server.url}/monate`);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      await tabTo(page, (el) => el.tag === 'BUTTON' && el.text.startsWith('LZB'));
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator('th[data-col="lzb"]').getAttribute('aria-sort'), POLL)
        .toBe('ascending');

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'every page: landmarks, labelled controls, no horizontal overflow from 1366×768 to 4K',
    async () => {
      const pages = ['/', '/ziel/K3-total', '/monate', '/importe', '/hinweise'];
      for (const [width, height] of [
        [1366, 768],
        [3840, 2160],
      ] as const) {
        const { page, context, errors } = await open(browser, width, height);
        for (const path of pages) {
          await page.goto(`${server.url}${path}`);
          await page.waitForSelector('main h1');
          await page.waitForLoadState('networkidle');
          // The tab's icon is a PNG file of the build (an SVG icon cost the page a task of its own
          // on the main thread to build its image document).
          const icon = await page.evaluate(() =>
            document.querySelector('link[rel="icon"]')?.getAttribute('href'),
          );
          const iconRes = await fetch(new URL(icon ?? '', server.url));
          expect([iconRes.status, iconRes.headers.get('content-type')]).toEqual([200, 'image/png']);
          const report = await page.evaluate(() => {
            const name = (el: Element): string => {
              const aria = el.getAttribute('aria-label') ?? '';
              const by = el.getAttribute('aria-labelledby');
              const labelled = by ? (document.getElementById(by)?.textContent ?? '') : '';
              const forLabel = el.id
                ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '')
                : '';
              const wrapping = el.closest('label')?.textContent ?? '';
              return (aria || labelled || forLabel || wrapping || el.textContent || '').trim();
            };
            const controls = Array.from(document.querySelectorAll('input, select, button, a[href]'));
            return {
              lang: document.documentElement.lang,
              // The banner landmark: a header not inside an article/section/main (those are not landmarks).
              header: Array.from(document.querySelectorAll('header')).filter(
                (h) => !h.closest('article, section, main'),
              ).length,
              nav: document.querySelectorAll('nav').length,
              main: document.querySelectorAll('main').length,
              h1: document.querySelectorAll('h1').length,
              unnamed: controls.filter((c) => name(c) === '').map((c) => c.outerHTML.slice(0, 80)),
              images: Array.from(document.querySelectorAll('[role="img"]')).filter(
                (i) => !i.getAttribute('aria-label'),
              ).length,
              overflowX: document.documentElement.scrollWidth - window.innerWidth,
            };
          });
          expect(report, `${path} at ${width}×${height}`).toEqual({
            lang: 'de',
            header: 1,
            nav: 1,
            main: 1,
            h1: 1,
            unnamed: [],
            images: 0,
            overflowX: 0,
          });
          if (width > 2000) {
            const name = path === '/' ? 'overview' : path.split('/')[1];
            await page.screenshot({ path: artifactPath(`dashboard-4k-${name}.png`) });
          }
        }
        expect(errors).toEqual([]);
        await context.close();
      }
    },
    E2E_TIMEOUT,
  );

  test(
    'another region: while its goals load, the cards keep the previous answer with its own sparklines, links and comparison',
    async () => {
      const latest = await api<GoalsResponse>(server, '/api/goals');
      // The overview as it stood at June; choosing a region goes back to its latest month.
      const june = `${latest.year}-06`;
      const first = await api<GoalsResponse>(server, `/api/goals?month=${june}`);
      const own = first.region.id;
      const other = await anotherRegion(server, own);
      const next = await api<GoalsResponse>(server, `/api/goals?region=${other.id}&year=${first.year}`);
      // The answers differ in their data month, so a key mixing them would show.
      expect(next.dataMonth).not.toBe(first.dataMonth);
      const back = await api<GoalsResponse>(server, `/api/goals?region=${own}&year=${next.year}`);
      expect(back.dataMonth).not.toBe(first.dataMonth);
      const backCards = back.goals.filter((g) => g.kind === 'change');
      expect(backCards).toHaveLength(6);
      /** The [goal, region, year, month] of each sparkline series request, sorted. */
      const seriesKeys = (requests: string[]) =>
        requests
          .map((u) => new URL(u, server.url))
          .filter((u) => /^\/api\/goals\/[^/]+\/series$/.test(u.pathname))
          .map((u) => [
            u.pathname.split('/')[3],
            u.searchParams.get('region'),
            u.searchParams.get('year'),
            u.searchParams.get('month'),
          ])
          .sort((a, b) => String(a).localeCompare(String(b)));
      /** The comparison panel's own-share label (it names the month) and the peers' mean. */
      const comparisonShows = (month: string | null, cmp: ComparisonResponse) =>
        page.waitForFunction(
          ([label, peers]) =>
            (document.querySelector('.comparison')?.textContent ?? '').includes(label ?? '') &&
            document.querySelector('[data-field="peer-share"]')?.textContent === peers,
          [`Eigener Anteil (${formatMonth(month)})`, formatPercent(cmp.peerMeanPct)] as const,
        );

      const { page, context, errors } = await open(browser);
      const releases: (() => void)[] = [];
      try {
        await page.goto(`${server.url}/?month=${june}`);
        await page.waitForSelector('[data-field="peer-share"]');
        await page.waitForFunction(
          () => document.querySelectorAll('svg.sparkline path.spark-current').length === 6,
        );
        const firstCurrent = await page.locator('[data-field="current"]').first().textContent();
        // Hold the new region's goals back; record every request the page makes meanwhile.
        const toOther = await holdBack(page, '/api/goals', other.id);
        releases.push(toOther.release);
        await page.getByLabel('Region').selectOption(other.id);
        await toOther.asked;
        // Whatever the page asks for while the new goals are out, it asks for nothing of the new
        // region but those goals: the cards show the previous answer, with its series, its
        // comparison and links to its own goals.
        await page.waitForTimeout(500);
        expect(
          toOther.requests.filter((u) => u.includes(`region=${other.id}`) && !u.startsWith('/api/goals?')),
        ).toEqual([]);
        expect(await page.locator('[data-field="current"]').first().textContent()).toBe(firstCurrent);
        // A chosen month (June) is named as such, beside the Datenstand.
        expect(await page.locator('[data-field="data-month"]').textContent()).toBe(
          `Stand zum Monat: ${formatMonth(first.dataMonth)}`,
        );
        const link = await page
          .locator('article[data-testid="goal-K2-female"] a')
          .first()
          .getAttribute('href');
        expect(new URL(link ?? '', server.url).searchParams.get('region')).toBe(own);

        toOther.release();
        await page.waitForFunction(
          // Another region goes back to its newest month: the Datenstand.
          (m) => document.querySelector('[data-field="data-month"]')?.textContent === `Datenstand: ${m}`,
          formatMonth(next.dataMonth),
        );
        // Then the new region's answers: its cards (the sample's peer regions have no targets, so
        // none, and no series) and its comparison at its own data month.
        const nextCmp = await api<ComparisonResponse>(
          server,
          `/api/comparison?region=${other.id}&month=${next.dataMonth}`,
        );
        await comparisonShows(next.dataMonth, nextCmp);
        expect(await page.locator('article[data-testid^="goal-"]').count()).toBe(0);
        expect(seriesKeys(toOther.requests)).toEqual([]);
        expect(
          toOther.requests
            .filter((u) => u.startsWith('/api/comparison?'))
            .map((u) => new URL(u, server.url).searchParams.toString()),
        ).toEqual([new URLSearchParams({ region: other.id, month: next.dataMonth ?? '' }).toString()]);

        // Back to the first region, again held back: nothing of it is asked for meanwhile; then
        // its six cards, each with its series at the answer's own region, year and data month.
        const toOwn = await holdBack(page, '/api/goals', own);
        releases.push(toOwn.release);
        await page.getByLabel('Region').selectOption(own);
        await toOwn.asked;
        await page.waitForTimeout(500);
        expect(
          toOwn.requests.filter((u) => u.includes(`region=${own}`) && !u.startsWith('/api/goals?')),
        ).toEqual([]);
        toOwn.release();
        await page.waitForFunction(
          () => document.querySelectorAll('svg.sparkline path.spark-current').length === 6,
        );
        const backCmp = await api<ComparisonResponse>(
          server,
          `/api/comparison?region=${own}&month=${back.dataMonth}`,
        );
        await comparisonShows(back.dataMonth, backCmp);
        expect(seriesKeys(toOwn.requests)).toEqual(
          seriesKeys(
            backCards.map(
              (g) => `/api/goals/${g.id}/series?region=${own}&year=${back.year}&month=${back.dataMonth}`,
            ),
          ),
        );
        expect(errors).toEqual([]);
      } finally {
        for (const release of releases) release();
        await context.close();
      }
    },
    E2E_TIMEOUT,
  );

  test(
    'Monatswerte of another region: its comments are asked for once its table is there, not beside the previous table',
    async () => {
      const own = await api<GoalsResponse>(server, '/api/goals');
      const other = await anotherRegion(server, own.region.id);
      const { page, context, errors } = await open(browser);
      let release = () => {};
      try {
        await page.goto(`${server.url}/monate`);
        await page.waitForSelector('table.data-table tbody tr');
        await page.waitForLoadState('networkidle');
        const held = await holdBack(page, '/api/months', other.id);
        release = held.release;
        // Another region by the browser's history (as the back button or a carried link moves it).
        await page.evaluate((id) => {
          history.pushState(null, '', `/monate?region=${id}`);
          dispatchEvent(new PopStateEvent('popstate'));
        }, other.id);
        await held.asked;
        await page.waitForTimeout(500);
        expect(held.requests.filter((u) => u.startsWith('/api/comments'))).toEqual([]);
        held.release();
        await page.waitForRequest((r) => new URL(r.url()).pathname === '/api/comments');
        expect(held.requests.filter((u) => u.startsWith('/api/comments'))).toEqual([
          `/api/comments?region=${other.id}`,
        ]);
        expect(errors).toEqual([]);
      } finally {
        release();
        await context.close();
      }
    },
    E2E_TIMEOUT,
  );

  test(
    'a change that misses its target by less than a rounding step reads apart from it, beside "gefährdet"',
    async () => {
      const { page, context, errors } = await open(browser);
      const march = await api<GoalsResponse>(server, '/api/goals?month=2024-03');
      const k2 = march.goals.find((g) => g.id === 'K2-total');
      // The sample's K2 insgesamt in March 2024: −0,406 % against −0,4 %, gefährdet.
      expect(k2?.status).toBe('at_risk');
      await page.goto(`${server.url}/?month=2024-03`);
      const card = page.locator('[data-testid="goal-K2-total"]');
      await card.waitFor({ timeout: 20_000 });
      expect(await card.locator('[data-field="change"]').textContent()).toBe('−0,41 % (Ziel: −0,40 %)');
      expect(await card.locator('.goal-card-head [data-status]').textContent()).toBe(statusText('at_risk'));
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'error and flag states: a failing API shows an error with a retry; BA markers are shown, not zeros',
    async () => {
      const { page, context, errors } = await open(browser);
      // The goals and the region list fail (intercepted in the browser); the page says so and
      // offers a retry, which brings back both (the region choice was missing after it).
      let fail = true;
      await page.route(
        (url) => url.pathname === '/api/goals' || url.pathname === '/api/regions',
        (route) =>
          fail
            ? route.fulfill({
                status: 500,
                contentType: 'application/json',
                body: JSON.stringify({ error: { code: 'internal', message: 'Testfehler' } }),
              })
            : route.continue(),
      );
      await page.goto(`${server.url}/`);
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 20_000 });
      expect(await alert.textContent()).toContain('Fehler beim Laden (Ziele).');
      // The German text of the code, not the server's message.
      expect(await alert.textContent()).toContain(ERROR_TEXT.internal);
      expect(await alert.textContent()).not.toContain('Testfehler');
      await page.screenshot({ path: artifactPath('dashboard-error.png') });
      fail = false;
      await page.getByRole('button', { name: 'Erneut versuchen' }).click();
      await page.waitForSelector('article[data-testid^="goal-"]');
      await page.getByLabel('Region').waitFor({ timeout: 20_000 });
      await expect
        .poll(() => page.getByLabel('Region').locator('option').count(), { timeout: 20_000 })
        .toBe(5);
      // Only the intercepted failures were reported.
      expect(errors.filter((e) => !/500/.test(e))).toEqual([]);
      errors.length = 0;

      // A real 4xx of the server (an unknown goal: 404 goal_not_found, English message) is shown
      // with the German text of its code.
      const unknown = await fetch(`${server.url}/api/goals/K9-total/series`);
      expect(unknown.status).toBe(404);
      const body = (await unknown.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('goal_not_found');
      await page.goto(`${server.url}/ziel/K9-total`);
      const notFound = page.getByRole('alert');
      await notFound.waitFor({ timeout: 20_000 });
      expect(await notFound.textContent()).toContain('Fehler beim Laden (Ziel).');
      expect(await notFound.textContent()).toContain(ERROR_TEXT.goal_not_found);
      // Asking again cannot bring a goal that does not exist: no retry, the way back instead.
      expect(await page.getByRole('button', { name: 'Erneut versuchen' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'Zurück zum Überblick' }).count()).toBe(1);
      expect(await notFound.textContent()).not.toContain(body.error.message);
      expect(errors.filter((e) => !/404/.test(e))).toEqual([]);
      errors.length = 0;

      // The sample suppresses women's integrations of May 2021: '*' with its meaning, never 0.
      await page.goto(`${server.url}/monate?from=2021-05&to=2021-05&gender=female`);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      const flag = page.locator('[data-testid="months-table"] td[data-col="int"] abbr[data-flag="*"]');
      expect(await flag.getAttribute('title')).toBe('gesperrt (Datenschutz)');
      expect(await flag.textContent()).toBe('* (gesperrt (Datenschutz))');
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'the region select: every region in order with the shown one chosen, also after a choice and back; a set width that holds every Jobcenter name of the BA list, in one row of controls, within a phone screen',
    async () => {
      const { regions } = await api<{ regions: { id: string; name: string }[] }>(server, '/api/regions');
      expect(regions.length).toBeGreaterThan(1);
      const goals = await api<GoalsResponse>(server, '/api/goals');
      const other = await anotherRegion(server, goals.region.id);
      // The list holds each region once, in the API's order, with the URL's region chosen.
      for (const [query, chosen] of [
        ['', goals.region.id],
        [`?region=${other.id}`, other.id],
      ] as const) {
        const { page, context, errors } = await open(browser);
        await page.goto(`${server.url}/${query}`);
        const select = page.getByLabel('Region');
        await expect
          .poll(() => select.evaluate((el: HTMLSelectElement) => el.options.length), POLL)
          .toBe(regions.length);
        const listed = await select.evaluate((el: HTMLSelectElement) =>
          Array.from(el.options, (o) => ({ id: o.value, name: o.text })),
        );
        expect(listed).toEqual(regions.map((r) => ({ id: r.id, name: r.name })));
        expect(await select.inputValue()).toBe(chosen);
        if (query === '') {
          // A choice, then the browser's back button: the same select follows the URL.
          await select.selectOption(other.id);
          await page.waitForURL((u) => u.searchParams.get('region') === other.id);
          expect(await select.inputValue()).toBe(other.id);
          await page.goBack();
          await page.waitForURL((u) => !u.searchParams.has('region'));
          await expect.poll(() => select.inputValue(), POLL).toBe(goals.region.id);
        }
        expect(errors).toEqual([]);
        await context.close();
      }

      // The BA's names, read with the product's own CSV reader.
      const reader = new CsvReader(
        (await readFile(DEFAULT_JOBCENTERS_PATH, 'utf8')).replace(/^\uFEFF/, ''),
        ';',
      );
      const column = (reader.next() ?? []).indexOf('name_ba');
      const names: string[] = [];
      for (let f = reader.next(); f !== null; f = reader.next()) names.push(f[column] ?? '');
      expect(names.length).toBeGreaterThan(400);
      for (const [width, height] of [
        [1366, 768],
        [360, 740],
      ] as const) {
        const { page, context, errors } = await open(browser, width, height);
        await page.goto(server.url);
        const select = page.getByLabel('Region');
        await select.waitFor();
        const m = await select.evaluate((el, names) => {
          // A select as the page styles them, but outside the filter bar (no set width), holding
          // one name at a time: the width each name needs.
          const probe = document.createElement('select');
          probe.style.position = 'absolute';
          document.body.append(probe);
          let widest = 0;
          let narrowest = Number.POSITIVE_INFINITY;
          for (const n of names) {
            probe.replaceChildren(new Option(n));
            const w = probe.getBoundingClientRect().width;
            widest = Math.max(widest, w);
            narrowest = Math.min(narrowest, w);
          }
          probe.remove();
          // The filter bar's own width as content (max-content) does not follow the options: with
          // a far longer option the same, so Chromium need not measure them to lay out the bar.
          const form = el.closest('form') as HTMLFormElement;
          const barWidth = () => {
            form.style.width = 'max-content';
            const w = form.getBoundingClientRect().width;
            form.style.width = '';
            return w;
          };
          const bar = barWidth();
          const long = new Option('W'.repeat(120), 'probe');
          el.append(long);
          const barWithLong = barWidth();
          long.remove();
          const box = el.getBoundingClientRect();
          return {
            width: box.width,
            right: box.right,
            rem: Number.parseFloat(getComputedStyle(document.documentElement).fontSize),
            widest,
            narrowest,
            bar,
            barWithLong,
            pageWidth: document.documentElement.scrollWidth,
            controlTops: Array.from(document.querySelectorAll('form.controls .control'), (c) =>
              Math.round(c.getBoundingClientRect().top),
            ),
          };
        }, names);
        // The probe measured the names (a wide one and a short one differ).
        expect(m.widest - m.narrowest).toBeGreaterThan(100);
        expect(m.barWithLong).toBe(m.bar);
        // The page does not scroll sideways, and the select ends inside it.
        expect(m.pageWidth).toBe(width);
        expect(m.right).toBeLessThanOrEqual(width);
        if (width > 1000) {
          expect(m.width).toBe(23 * m.rem);
          expect(m.widest).toBeLessThanOrEqual(m.width);
          // Region, year and month side by side.
          expect(m.controlTops.length).toBe(3);
          expect(new Set(m.controlTops).size).toBe(1);
        } else {
          // main's content width less 1rem (styles.css).
          expect(m.width).toBe(width - 4 * m.rem);
        }
        expect(errors).toEqual([]);
        await context.close();
      }
    },
    E2E_TIMEOUT,
  );

  test(
    'Importe and Hinweise show the run log and the alert history (or its empty state)',
    async () => {
      const alerts = await api<AlertsResponse>(server, '/api/alerts');
      const { page, context, errors } = await open(browser);
      await page.goto(`${server.url}/importe`);
      await page.waitForSelector('[data-testid="imports-table"] tbody tr');
      const runs = await tableCells(page, '[data-testid="imports-table"]');
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.some((r) => r.join(' ').includes('segeberg-sample.csv'))).toBe(true);
      expect(await page.getByLabel('Admin-Token').count()).toBe(1);
      await page.screenshot({ path: artifactPath('dashboard-imports.png'), fullPage: true });

      await page.goto(`${server.url}/hinweise`);
      if (alerts.alerts.length === 0) {
        await page.waitForSelector('text=Noch keine Hinweise versendet.');
      } else {
        await page.waitForSelector('[data-testid="alerts-table"] tbody tr');
        expect(await page.locator('[data-testid="alerts-table"] tbody tr').count()).toBe(
          alerts.alerts.length,
        );
        const first = alerts.alerts[0];
        if (first)
          expect(await page.locator('[data-testid="alerts-table"]').textContent()).toContain(first.subject);
      }
      await page.screenshot({ path: artifactPath('dashboard-alerts.png'), fullPage: true });
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'Importe on a phone (360 and 320 px): nothing runs past the edge',
    async () => {
      for (const width of [360, 320]) {
        const { page, context, errors } = await open(browser, width, 740);
        await page.goto(`${server.url}/importe`);
        await page.waitForSelector('[data-testid="mappings"] table');
        await page.waitForSelector('[data-testid="imports-table"] tbody tr');
        const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(over, `${width} px`).toBeLessThanOrEqual(0);
        expect(errors).toEqual([]);
        await context.close();
      }
    },
    E2E_TIMEOUT,
  );

  test(
    'a link from far down a page opens the next page at its top, its heading focused',
    async () => {
      const { page, context, errors } = await open(browser);
      await page.goto(`${server.url}/`);
      const links = page.locator('main a[href^="/ziel/"]');
      // Every goal card is there (the plan goals' section comes after the K2/K3 cards).
      const goals = await api<GoalsResponse>(server, '/api/goals');
      await expect.poll(() => page.locator('main article').count(), POLL).toBe(goals.goals.length);
      const last = links.last();
      await last.scrollIntoViewIfNeeded();
      await expect.poll(() => page.evaluate(() => window.scrollY), POLL).toBeGreaterThan(300);
      const href = (await last.getAttribute('href')) ?? '';
      await last.click();
      await page.waitForURL((u) => u.pathname === href.split('?')[0]);
      await page.waitForSelector('main h1:not([data-placeholder])');
      await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), POLL).toBe('H1');
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      const top = await page.evaluate(
        () => document.querySelector('main h1')?.getBoundingClientRect().top ?? -1,
      );
      expect(top).toBeGreaterThanOrEqual(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});

describe('a revised value shows its history', () => {
  // Its own server: the upload changes the data for everything after.
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // Alerts off here, so that the Hinweise page's empty state is shown too.
    [server, browser] = await Promise.all([
      startServer({ env: { ALERTS_ENABLED: 'false' } }),
      launchBrowser(),
    ]);
    // Corrections are made to real figures.
    treatSampleAsReal(server);
  }, E2E_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test(
    'Hinweise without any alert: the empty state',
    async () => {
      expect((await api<AlertsResponse>(server, '/api/alerts')).alerts).toEqual([]);
      const { page, context, errors } = await open(browser);
      await page.goto(`${server.url}/hinweise`);
      await page.waitForSelector('text=Noch keine Hinweise versendet.');
      expect(await page.locator('[data-testid="alerts-table"]').count()).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'upload a corrected file as admin, then the value is marked revised and its history opens',
    async () => {
      const month = '2023-06';
      const before = await api<MonthsResponse>(server, `/api/months?from=${month}&to=${month}&gender=female`);
      const old = before.rows[0]?.int;
      if (old == null) throw new Error('sample has no INT for women in June 2023');
      const corrected = old + 40;
      const file = [
        'region;region_name;month;indicator;gender;value;flag;comparison_type',
        `01060;Kreis Segeberg;${month};INT;female;${corrected};;IIIb`,
        '',
      ].join('\n');

      // An overview left open (its clock under the test's control) must pick the new data up by itself.
      const watcher = await open(browser);
      await watcher.page.clock.install();
      await watcher.page.goto(`${server.url}/`);
      await watcher.page.waitForSelector('article[data-testid="goal-K2-female"]');
      const beforeGoals = await api<GoalsResponse>(server, '/api/goals');
      const previousBefore = beforeGoals.goals.find((g) => g.id === 'K2-female')?.previous.value ?? null;
      const prevField = watcher.page.locator('[data-testid="goal-K2-female"] [data-field="previous"]');
      expect(await prevField.textContent()).toBe(formatPercent(previousBefore));

      const { page, context, errors } = await open(browser);
      await page.goto(`${server.url}/importe`);
      await page.getByLabel('Admin-Token').fill(TEST_ADMIN_TOKEN);
      // A broken file first: the error names the file, the row and the column.
      await page.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'kaputt.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(
          'region;region_name;month;indicator;gender;value;flag;comparison_type\n01060;Kreis Segeberg;2023-06;INT;female;viele;;IIIb\n',
          'utf8',
        ),
      });
      await page.getByRole('button', { name: 'Importieren' }).click();
      const failure = page.getByRole('alert').filter({ hasText: 'Import fehlgeschlagen' });
      await failure.waitFor();
      const failureText = (await failure.textContent()) ?? '';
      expect(failureText).toContain('kaputt.csv');
      expect(failureText).toMatch(/Zeile 2/);
      expect(failureText).toMatch(/Spalte/);
      // The rejected upload is an expected 422, not a page error.
      const expected422 = (e: string) =>
        /422/.test(e) && (/\/api\/imports/.test(e) || e.startsWith('console:'));
      const unexpected = errors.filter((e) => !expected422(e));
      expect(unexpected).toEqual([]);
      errors.length = 0;

      await page.getByLabel('Datei', { exact: true }).setInputFiles({
        name: 'korrektur-juni-2023.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(file, 'utf8'),
      });
      await page.getByRole('button', { name: 'Importieren' }).click();
      await page.waitForSelector('text=Import abgeschlossen.');
      expect(await page.getByTestId('upload-result').textContent()).toContain('1 geändert');
      // The focus stays on the button (a disabled button while importing dropped it to the page).
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Importieren');
      // The token stays in this tab's sessionStorage only.
      expect(await page.evaluate(() => sessionStorage.getItem('zielmonitor.adminToken'))).toBe(
        TEST_ADMIN_TOKEN,
      );
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      // The run log shows the upload.
      await page.waitForFunction(() =>
        document
          .querySelector('[data-testid="imports-table"]')
          ?.textContent?.includes('korrektur-juni-2023.csv'),
      );
      await page.screenshot({ path: artifactPath('dashboard-upload.png'), fullPage: true });

      // The open overview: after its next version poll (60 s, fast-forwarded) it shows the new figure.
      const afterGoals = await api<GoalsResponse>(server, '/api/goals');
      const previousAfter = afterGoals.goals.find((g) => g.id === 'K2-female')?.previous.value ?? null;
      expect(formatPercent(previousAfter)).not.toBe(formatPercent(previousBefore));
      await watcher.page.clock.fastForward(61_000);
      await expect
        .poll(() => prevField.textContent(), { timeout: 15_000 })
        .toBe(formatPercent(previousAfter));
      expect(watcher.errors).toEqual([]);
      await watcher.context.close();

      // Reload Monatswerte with "nur revidierte": exactly the corrected row, marked.
      await page.goto(`${server.url}/monate?revised=1`);
      await page.waitForSelector('[data-testid="months-table"] tbody tr');
      const rows = await tableCells(page, '[data-testid="months-table"]');
      expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
        [formatMonth(month), GENDER_TEXT.female, formatCount(corrected)],
      ]);
      const mark = page.locator(`[data-revised="${month}-female-int"]`);
      expect(await mark.textContent()).toContain('↻');

      // Its history: old → new, when, which file.
      const revs = await api<RevisionsResponse>(
        server,
        `/api/months/${month}/revisions?indicator=INT&gender=female`,
      );
      expect(revs.revisions).toHaveLength(1);
      await mark.click();
      const dialog = page.getByTestId('revision-dialog');
      await dialog.locator('tbody tr').waitFor();
      const hist = await tableCells(page, '[data-testid="revision-dialog"] table');
      const rev = revs.revisions[0];
      if (!rev) throw new Error('no revision');
      expect(hist).toEqual([
        [
          formatDateTime(rev.changedAt),
          formatCount(old),
          `→ ${formatCount(corrected)}`,
          'korrektur-juni-2023.csv',
        ],
      ]);
      await page.screenshot({ path: artifactPath('dashboard-revision.png') });
      // Escape closes the dialog and gives the focus back to the value.
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible(), POLL).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-revised'))).toBe(
        `${month}-female-int`,
      );

      expect(errors).toEqual([]);
      await context.close();
    },
    E2E_TIMEOUT,
  );
});
