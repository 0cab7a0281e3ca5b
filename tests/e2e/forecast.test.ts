/**
 * The forecast end to end (issue 12), on the national bench data (bench/api-data.ts: 404 regions),
 * started in January 2018 so that every goal of 2024 has backtest errors from enough other years
 * for an 80 % interval (K3: 2019–2023, K2: 2020–2023; the JFW of 2019 needs December 2018's ELB,
 * the change of 2019 the JFW of 2018): the real server as a child process
 * and a real Chromium. The overview card, the wall tile and the goal page show the forecast, its
 * interval, the probability and the pace exactly as the API's goal formatted de-DE; the wall still
 * fits the screen with the longer lines. Needs dist/web (`npx vite build`).
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadNationalData } from '../../bench/api-data.js';
import {
  formatChangePair,
  formatChangeRange,
  formatCount,
  formatNumber,
  formatShare,
  monthName,
} from '../../core/format.js';
import { month } from '../../core/months.js';
import { driversSentence, paceSentence, paceShort } from '../../core/steering-text.js';
import { openDatabase } from '../../server/db/connection.js';
import type { GoalBacktestResponse, GoalsResponse } from '../../web/api';
import { scratchDir } from '../helpers/scratch.js';
import {
  artifactPath,
  launchBrowser,
  startServer,
  type TestServer,
  trackConsoleErrors,
} from '../helpers/server';
import { checkLayout, minFontPx } from './wall-checks';
import { expectClean } from './wall-expect';

const E2E_TIMEOUT = 180_000;
const REGION = '10001';
type Goal = GoalsResponse['goals'][number];

async function api<T>(server: TestServer, p: string): Promise<T> {
  const res = await fetch(`${server.url}${p}`);
  if (!res.ok) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
  // The server's own contract, typed by the web client's inferred types.
  return (await res.json()) as T;
}

/** What the API's goal says, formatted by the one formatter (independently of the web code). */
function expected(g: Goal) {
  const f = g.forecast;
  if (f.interval === null || f.probabilityMet === null || g.pace === null) {
    throw new Error(`${g.id}: the national data should give an interval and a pace`);
  }
  const latest = g.indicator === 'K3' ? g.monthly.value : null;
  return {
    // As many decimals as tell it from the target, like the current change (formatChangePair).
    change: formatChangePair(f.changePct, g.targetChangePct).change,
    interval: formatChangeRange(f.interval.lowPct, f.interval.highPct),
    probability: `${formatShare(f.probabilityMet)} Zielerreichung`,
    pace: paceSentence(g.pace, g.current.month, latest),
    paceShort: paceShort(g.pace, latest),
  };
}

describe('forecast on the national bench data', () => {
  let server: TestServer;
  let browser: Browser;
  let goals: GoalsResponse;

  beforeAll(async () => {
    const dir = scratchDir('zielmonitor-forecast-');
    const dbPath = path.join(dir, 'national.db');
    const db = await openDatabase(dbPath);
    loadNationalData(db, { firstMonth: month('2018-01') });
    await db.close();
    [server, browser] = await Promise.all([
      startServer({ env: { DATABASE_PATH: dbPath, LOAD_SAMPLE_ON_EMPTY: 'false' } }),
      launchBrowser(),
    ]);
    goals = await api<GoalsResponse>(server, `/api/goals?region=${REGION}`);
  }, E2E_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test(
    'Überblick: every card shows forecast, 80 % interval, probability and pace equal to the API',
    async () => {
      expect(goals.goals).toHaveLength(6);
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'de-DE' });
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/?region=${REGION}`);
      await page.waitForSelector('article[data-testid^="goal-"] [data-field="forecast-interval"]');
      for (const g of goals.goals) {
        const e = expected(g);
        const card = page.locator(`[data-testid="goal-${g.id}"]`);
        const text = (field: string) => card.locator(`[data-field="${field}"]`).first().textContent();
        expect(await card.locator('.forecast-label').textContent()).toBe('Prognose Dez.:');
        expect(await text('forecast-change')).toBe(e.change);
        expect(await text('forecast-interval')).toBe(`(80 %: ${e.interval})`);
        expect(await text('forecast-probability')).toBe(e.probability);
        expect(await text('pace')).toBe(e.pace);
        expect(await card.locator('.forecast [data-status] .status-word').textContent()).toMatch(
          /^voraussichtlich /,
        );
      }
      await page.screenshot({ path: artifactPath('forecast-overview.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    },
    E2E_TIMEOUT,
  );

  test.each([
    [1366, 768],
    [3840, 2160],
  ] as const)(
    'Wand at %i×%i: every tile shows forecast, interval, probability and pace, and still fits',
    async (width, height) => {
      const page = await browser.newPage({ viewport: { width, height }, locale: 'de-DE' });
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/wall?region=${REGION}&pages=overview`);
      await page.waitForSelector('[data-testid="wall-overview"] [data-testid="wall-pace"]');
      for (const g of goals.goals) {
        const e = expected(g);
        const tile = page.locator(`[data-testid="wall-overview"] article[data-goal="${g.id}"]`);
        expect(await tile.locator('[data-testid="wall-forecast-change"]').textContent()).toBe(e.change);
        expect(await tile.locator('[data-testid="wall-forecast-interval"]').textContent()).toBe(
          `80 %: ${e.interval}`,
        );
        expect(await tile.locator('[data-testid="wall-forecast-probability"]').textContent()).toBe(
          e.probability,
        );
        expect(await tile.locator('[data-testid="wall-pace"]').textContent()).toBe(e.paceShort);
      }
      expectClean(await checkLayout(page, minFontPx(height)));
      // Without banners every tile has room for all its lines (none dropped by fit-tiles).
      expect(await page.locator('.wall-tile[data-fit]').count()).toBe(0);
      await page.screenshot({ path: artifactPath(`forecast-wall-${width}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    },
    E2E_TIMEOUT,
  );

  test(
    'Ziel: forecast, pace and drivers as sentences, the forecast band, and the Prognosegüte table',
    async () => {
      const g = goals.goals.find((x) => x.id === 'K2-female');
      if (!g || g.drivers === null) throw new Error('K2-female with drivers expected');
      const e = expected(g);
      const bt = await api<GoalBacktestResponse>(server, `/api/goals/K2-female/backtest?region=${REGION}`);
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'de-DE' });
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/ziel/K2-female?region=${REGION}`);
      await page.waitForSelector('[data-testid="forecast-quality-table"] tbody tr');
      const field = (f: string) => page.locator(`[data-field="${f}"]`).first().textContent();
      expect(await field('forecast-change')).toBe(e.change);
      expect(await field('forecast-interval')).toBe(`(80 %: ${e.interval})`);
      expect(await field('forecast-probability')).toBe(e.probability);
      expect(await field('pace')).toBe(e.pace);
      expect(await field('drivers')).toBe(`Warum: ${driversSentence(g.drivers, g.changePct)}`);
      // The chart's legend names the forecast and its band.
      const svgText = await page.locator('[data-testid="goal-chart"] svg').textContent();
      expect(svgText).toContain('Prognose 80 %-Bereich');
      // Prognosegüte: one row per origin month, figures as the API's report.
      const rows = await page.$$eval('[data-testid="forecast-quality-table"] tbody tr', (trs) =>
        trs.map((tr) => Array.from(tr.children).map((c) => (c.textContent ?? '').trim())),
      );
      expect(rows).toEqual(
        bt.rows.map((r, i) => [
          monthName(r.originMonth),
          formatCount(r.cases),
          formatNumber(r.maeForecast, 2),
          formatNumber(r.maeNaive, 2),
          r.coverage === null ? 'zu wenig Historie' : formatShare(r.coverage),
          r.yearCoverage === null ? 'zu wenig Historie' : formatShare(r.yearCoverage),
          formatCount(bt.regionRows[i]?.cases ?? 0),
          formatNumber(bt.regionRows[i]?.maeForecast ?? null, 2),
        ]),
      );
      // The region's own history: four complete K2 years (2020–2023) per origin month; each judged
      // by the other three years' errors too.
      expect(bt.regionRows.every((r) => r.cases === 4)).toBe(true);
      expect(bt.rows.every((r) => r.coverage !== null && r.yearCoverage !== null)).toBe(true);
      expect(bt.rows.every((r) => r.yearCovered === r.cases)).toBe(true);
      await page.screenshot({ path: artifactPath('forecast-goal.png'), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    },
    E2E_TIMEOUT,
  );
});
