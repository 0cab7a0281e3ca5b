/**
 * The wall display end to end: the real server (sample data) as a child process, real Chromium.
 * Layout at three screen sizes, rotation, new data without reload, a stopped and restarted
 * server, and the stale banner. Screenshots go to test-artifacts/.
 */

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  formatChangePair,
  formatCount,
  formatPercent,
  STATUS_TEXT,
  type StatusWord,
} from '../../core/format.js';
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
import { checkLayout, minFontPx, wallState } from './wall-checks';
import { expectClean } from './wall-expect';

const REGION = '01060';
const VIEWPORTS = [
  [1920, 1080],
  [3840, 2160],
  [1366, 768],
] as const;

async function tileTexts(page: Page) {
  return page.$$eval('[data-testid="wall-overview"] article[data-goal]', (tiles) =>
    tiles.map((t) => ({
      id: t.getAttribute('data-goal'),
      status: t.querySelector('.wall-tile-head [data-status] .wall-status-word')?.textContent ?? '',
      value: t.querySelector('[data-testid="wall-value"]')?.textContent ?? '',
      change: t.querySelector('[data-testid="wall-change"]')?.textContent ?? '',
      uncertainty: t.querySelector('[data-testid="wall-forecast-interval"]')?.textContent ?? '',
      probability: t.querySelector('[data-testid="wall-forecast-probability"]')?.textContent ?? null,
    })),
  );
}

/** Marks the window; a reload would lose the mark. */
async function markWindow(page: Page): Promise<string> {
  const mark = `m-${Math.random()}`;
  await page.evaluate((m) => {
    Object.assign(window, { __wallMark: m });
  }, mark);
  return mark;
}
async function readMark(page: Page): Promise<unknown> {
  return page.evaluate(() => Reflect.get(window, '__wallMark'));
}

describe('wall display on the sample data', () => {
  let server: TestServer;
  let browser: Browser;

  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  describe.each(VIEWPORTS)('at %i×%i', (width, height) => {
    test('the overview shows all six goals, fits the screen, and its text is large enough', async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/wall?region=${REGION}&pages=overview`);
      await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');

      const tiles = await tileTexts(page);
      expect(tiles.map((t) => t.id).sort()).toEqual(
        ['K2-female', 'K2-male', 'K2-total', 'K3-female', 'K3-male', 'K3-total'].sort(),
      );
      for (const t of tiles) {
        expect(t.status).toMatch(/^(im Ziel|gefährdet|verfehlt|keine Daten)$/);
        expect(t.value).toMatch(/^[\d.]+(,\d)?( %)?$/);
        expect(t.change).toMatch(/^([+−]\d+,\d{1,3}|±0,0) %$/);
        // The sample's forecast errors come from two other years only: no 80 % interval and no
        // "x % Zielerreichung", said in words.
        expect(t.uncertainty).toBe('zu wenig Historie');
        expect(t.probability).toBeNull();
      }
      // The figures are the API's, formatted de-DE.
      const api = await (await fetch(`${server.url}/api/goals?region=${REGION}`)).json();
      const k2 = api.goals.find((g: { id: string }) => g.id === 'K2-total');
      const shown = tiles.find((t) => t.id === 'K2-total');
      expect(shown?.value).toBe(`${k2.current.value.toFixed(1).replace('.', ',')} %`);
      // Every tile: value, change and status word equal the API's goal, formatted de-DE.
      const goals: {
        id: string;
        kind: string;
        indicator: string;
        unit: string;
        status: StatusWord;
        changePct: number | null;
        targetChangePct: number;
        current: { value: number | null };
      }[] = api.goals.filter((g: { kind: string }) => g.kind === 'change');
      for (const g of goals) {
        const t = tiles.find((x) => x.id === g.id);
        const value = g.unit === 'percent' ? formatPercent(g.current.value) : formatCount(g.current.value);
        expect(t?.value, g.id).toBe(value);
        expect(t?.change, g.id).toBe(formatChangePair(g.changePct, g.targetChangePct).change);
        expect(t?.status, g.id).toBe(STATUS_TEXT[g.status].word);
      }

      await expect(page.textContent('[data-testid="wall-datamonth"]')).resolves.toBe(
        'Datenstand: September 2024',
      );
      await expect(page.textContent('[data-testid="wall-sample"]')).resolves.toBe(
        'Beispieldaten, Stand September 2024',
      );
      await expect(page.textContent('[data-testid="wall-loaded"]')).resolves.toMatch(
        /^geladen: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/,
      );
      await expect(page.textContent('[data-testid="wall-clock"] time')).resolves.toMatch(/^\d{2}:\d{2}$/);
      expect(await page.$('[data-testid="wall-stale"]')).toBeNull();
      expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
      expect(await page.$$('button, input, select, a[href]')).toHaveLength(0);

      const report = await checkLayout(page, minFontPx(height));
      console.log(
        `wall ${width}×${height} overview: ${report.textElements} texts, smallest ${report.smallestFontPx} px`,
      );
      expectClean(report);
      await page.screenshot({ path: artifactPath(`wall-overview-${width}x${height}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });

    test('a goal page draws its chart with large text, inside the screen', async () => {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors = trackConsoleErrors(page);
      await page.goto(`${server.url}/wall?region=${REGION}&pages=K3-total`);
      await page.waitForSelector('[data-testid="wall-chart"] svg text');
      await expect(page.textContent('.wall-goal-title')).resolves.toMatch(/insgesamt$/);
      const legend = await page.$$eval('[data-testid="wall-chart"] svg text', (ts) =>
        ts.map((t) => t.textContent),
      );
      expect(legend).toEqual(expect.arrayContaining(['2024', '2023 (Vorjahr)', 'Zielpfad', 'Prognose']));

      const report = await checkLayout(page, minFontPx(height));
      console.log(
        `wall ${width}×${height} chart: ${report.textElements} texts, smallest ${report.smallestFontPx} px`,
      );
      expectClean(report);
      await page.screenshot({ path: artifactPath(`wall-chart-${width}x${height}.png`) });
      expect(errors).toEqual([]);
      await page.close();
    });
  });

  test('a goal page labels the year-to-date value as the cards do (audit finding 5)', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // K3: 6.805 is the mean LZB stock of January to September 2024 (6.804,56), not September's
    // stock (6.928); K2: 19,3 % is the Jahresfortschrittswert, September's own K2 is 24,8 %.
    for (const [id, text] of [
      ['K3-total', 'Ø Bestand Januar bis September 2024: 6.805 · Veränderung +6,7 % · Ziel +6,0 %'],
      ['K2-total', 'Jahresfortschrittswert bis September 2024: 19,3 % · Veränderung −0,1 % · Ziel −0,4 %'],
    ] as const) {
      await page.goto(`${server.url}/wall?region=${REGION}&pages=${id}`);
      await page.waitForSelector('.wall-goal-figures [data-testid="wall-value"]');
      await expect(page.textContent('.wall-goal-figures')).resolves.toBe(text);
    }
    await page.close();
  });

  test('the light theme fits and keeps AA contrast too', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview,K2-female&interval=3&theme=light`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    expect(await page.getAttribute('main.wall', 'data-theme')).toBe('light');
    expectClean(await checkLayout(page, minFontPx(1080)));
    await page.screenshot({ path: artifactPath('wall-overview-light.png') });
    await page.waitForSelector('[data-testid="wall-chart"] svg text', { timeout: 10_000 });
    expectClean(await checkLayout(page, minFontPx(1080)));
    await page.screenshot({ path: artifactPath('wall-chart-light.png') });
    await page.close();
  });

  test('rotates through the overview and every goal chart, reusing one chart instance', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/wall?region=${REGION}&interval=1`);
    await page.waitForSelector('[data-testid="wall-overview"]');
    const seen = new Set<string>();
    const start = Date.now();
    // 'loading' is not a page: only count pages once the data are there.
    // Overview, the two plan pages (Eingliederung und Budget) and the six Tabelle 3 charts.
    while (seen.size < 9 && Date.now() - start < 20_000) {
      const s = await wallState(page);
      if (s.page && s.page !== 'loading') seen.add(s.page);
      await page.waitForTimeout(150);
    }
    expect([...seen].sort()).toEqual(
      [
        'overview',
        'plan:1',
        'plan:2',
        ...['K2-female', 'K2-male', 'K2-total', 'K3-female', 'K3-male', 'K3-total'].map((id) => `goal:${id}`),
      ].sort(),
    );
    expect((await wallState(page)).rotations).toBeGreaterThanOrEqual(8);
    // Only one chart exists at any time: the page's chart is reused from goal to goal.
    await page.waitForSelector('[data-page^="goal:"] [data-testid="wall-chart"]');
    expect(await page.$$eval('[data-testid="wall-chart"]', (els) => els.length)).toBe(1);
    expect(await page.$$eval('svg', (els) => els.length)).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('bad bookmark values fall back to defaults and say so', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${server.url}/wall?region=${REGION}&interval=abc&pages=overview,K9-total&theme=pink`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const warning = await page.textContent('[data-testid="wall-warnings"]');
    expect(warning).toContain('interval=abc ignoriert');
    expect(warning).toContain('theme=pink ignoriert');
    expect(warning).toContain('Ziel K9-total gibt es hier nicht');
    expect(await page.getAttribute('main.wall', 'data-theme')).toBe('dark');
    // Three problems at once are read in full, and the page's name beside them too (they ended in
    // "…", and the page name shrank to "Ü…").
    expectClean(await checkLayout(page, minFontPx(768)));
    await page.close();
  });

  test('a well-formed region the server does not know is ignored and named, not taken for an outage', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${server.url}/wall?region=99999&pages=overview`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const warning = await page.textContent('[data-testid="wall-warnings"]');
    expect(warning).toBe('Lesezeichen prüfen: region=99999 ignoriert (Region unbekannt)');
    // The server's default region instead, named in the header.
    const regions = await (await fetch(`${server.url}/api/regions`)).json();
    const fallback = regions.regions.find((r: { id: string }) => r.id === regions.defaultRegion);
    await expect(page.textContent('.wall-region')).resolves.toBe(fallback.name);
    expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
    expect(await page.$('[data-testid="wall-server-error"]')).toBeNull();
    expectClean(await checkLayout(page, minFontPx(768)));
    await page.screenshot({ path: artifactPath('wall-unknown-region.png') });
    await page.close();
  });

  test('a server error is named as such, a request without any answer as a lost connection', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    let mode: 'error' | 'unreachable' | 'up' = 'error';
    await page.route(
      (url) => url.pathname.startsWith('/api/'),
      (route) => {
        if (mode === 'unreachable') return route.abort('internetdisconnected');
        if (mode === 'error' && new URL(route.request().url()).pathname === '/api/goals')
          return route.fulfill({ status: 500, json: { error: { code: 'internal', message: 'boom' } } });
        return route.continue();
      },
    );
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview&poll=1`);
    // The server answers /api/version but fails /api/goals: a server error, not an outage.
    const serverError = page.getByTestId('wall-server-error');
    await serverError.waitFor({ timeout: 10_000 });
    expect(await serverError.textContent()).toMatch(
      /^⚠ Serverfehler \(Status 500\) seit \d{2}:\d{2} – neuer Versuch läuft\.$/,
    );
    expect(await page.textContent('.wall-empty')).toBe(
      'Auf dem Server ist ein Fehler aufgetreten. Neuer Versuch läuft …',
    );
    expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
    expect((await wallState(page)).offline).toBe(false);
    expectClean(await checkLayout(page, minFontPx(768)));
    await page.screenshot({ path: artifactPath('wall-server-error.png') });

    // No answer at all (the network): that is a lost connection, as before.
    mode = 'unreachable';
    const offline = page.getByTestId('wall-offline');
    await offline.waitFor({ timeout: 10_000 });
    expect(await offline.textContent()).toMatch(
      /^⚠ Verbindung unterbrochen seit \d{2}:\d{2} – neuer Versuch läuft\.$/,
    );
    expect(await page.textContent('.wall-empty')).toBe('Warte auf den Server …');
    expect(await page.$('[data-testid="wall-server-error"]')).toBeNull();
    expect((await wallState(page)).offline).toBe(true);

    mode = 'up';
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]', { timeout: 15_000 });
    expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
    expect(await page.$('[data-testid="wall-server-error"]')).toBeNull();
    await page.close();
  });
});

describe('wall display on an empty database', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ env: { LOAD_SAMPLE_ON_EMPTY: 'false' } }),
      launchBrowser(),
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  test('says that there are no data yet (the server answers), not that the connection is lost', async () => {
    expect((await fetch(`${server.url}/api/goals`)).status).toBe(404);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/wall?poll=1`);
    const banner = page.getByTestId('wall-server-error');
    await banner.waitFor({ timeout: 10_000 });
    expect(await banner.textContent()).toMatch(
      /^⚠ Keine Daten auf dem Server seit \d{2}:\d{2} – neuer Versuch läuft\.$/,
    );
    expect(await page.textContent('.wall-empty')).toBe(
      'Es sind noch keine Daten geladen. Bitte zuerst Daten importieren. Neuer Versuch läuft …',
    );
    expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
    expectClean(await checkLayout(page, minFontPx(1080)));
    await page.screenshot({ path: artifactPath('wall-no-data.png') });
    await page.close();
  });
});

/** A canonical CSV (the ETL's long format) with German numbers. */
function canonicalCsv(
  rows: { region: string; name: string; month: string; indicator: string; gender: string; value: number }[],
) {
  const lines = rows.map((r) =>
    [r.region, r.name, r.month, r.indicator, r.gender, String(r.value).replace('.', ','), ''].join(';'),
  );
  return ['region;region_name;month;indicator;gender;value;flag', ...lines].join('\n');
}

async function upload(server: TestServer, name: string, csv: string) {
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), name);
  const res = await fetch(`${server.url}/api/imports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    body: form,
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`upload ${name}: ${res.status} ${body}`);
  return body;
}

describe('wall display keeps itself up to date', () => {
  let server: TestServer;
  let browser: Browser;

  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('a new import appears without a reload', async () => {
    // A correction of real figures (real ones for a sample region replace all of its own).
    treatSampleAsReal(server);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors = trackConsoleErrors(page);
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview&poll=1`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const before = await tileTexts(page);
    const versionBefore = (await wallState(page)).dataVersion;
    const mark = await markWindow(page);

    // Raise the LZB stock of September 2024 by a fifth: the K3 year-to-date means and changes move.
    const months = await (await fetch(`${server.url}/api/months?region=${REGION}`)).json();
    const sept = months.rows.filter((r: { month: string }) => r.month === '2024-09');
    expect(sept.length).toBeGreaterThan(0);
    const rows = ['female', 'male', 'total'].map((gender) => {
      const row = sept.find((r: { gender: string }) => r.gender === gender);
      const lzb = row?.lzb;
      if (typeof lzb !== 'number') throw new Error(`no LZB for ${gender} in ${JSON.stringify(row)}`);
      return {
        region: REGION,
        name: 'Kreis Segeberg',
        month: '2024-09',
        indicator: 'LZB',
        gender,
        value: Math.round(lzb * 1.2),
      };
    });
    await upload(server, 'korrektur-lzb-2024-09.csv', canonicalCsv(rows));

    await page.waitForFunction(
      (v) => document.querySelector('main.wall')?.getAttribute('data-data-version') !== v,
      versionBefore,
      { timeout: 10_000 },
    );
    const after = await tileTexts(page);
    const k3Before = before.find((t) => t.id === 'K3-total');
    const k3After = after.find((t) => t.id === 'K3-total');
    expect(k3After?.value).not.toBe(k3Before?.value);
    expect(k3After?.change).not.toBe(k3Before?.change);
    // K2 does not use LZB: unchanged.
    expect(after.find((t) => t.id === 'K2-total')).toEqual(before.find((t) => t.id === 'K2-total'));
    expect(await readMark(page)).toBe(mark);
    await page.screenshot({ path: artifactPath('wall-after-import.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a stopped server is survived: banner with the time, last figures kept, recovery without reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview&poll=1`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const before = await tileTexts(page);
    const mark = await markWindow(page);

    await server.stop();
    await page.waitForSelector('[data-testid="wall-offline"]', { timeout: 10_000 });
    const banner = await page.textContent('[data-testid="wall-offline"]');
    expect(banner).toMatch(/Verbindung unterbrochen seit \d{2}:\d{2}/);
    expect(await tileTexts(page)).toEqual(before);
    expectClean(await checkLayout(page, minFontPx(1080)));
    await page.screenshot({ path: artifactPath('wall-offline.png') });
    // Still down a few retries later: the same first-failure time, the same figures.
    await page.waitForTimeout(3000);
    expect(await page.textContent('[data-testid="wall-offline"]')).toBe(banner);
    expect(await tileTexts(page)).toEqual(before);

    await server.start();
    await page.waitForSelector('[data-testid="wall-offline"]', { state: 'detached', timeout: 15_000 });
    expect(await tileTexts(page)).toEqual(before);
    expect(await readMark(page)).toBe(mark);
    expect((await wallState(page)).offline).toBe(false);
    await page.close();
  });

  test('the stale banner appears for a region whose expected month is missing', async () => {
    // A small real (non-sample) region whose newest month is long past: stale by the calendar.
    const rows = [];
    for (const month of ['2023-04', '2023-05', '2023-06']) {
      for (const gender of ['female', 'male', 'total']) {
        const k = gender === 'total' ? 2 : 1;
        rows.push({ region: '09001', name: 'Testkreis Alt', month, indicator: 'INT', gender, value: 20 * k });
        rows.push({
          region: '09001',
          name: 'Testkreis Alt',
          month,
          indicator: 'ELB',
          gender,
          value: 1000 * k,
        });
        rows.push({
          region: '09001',
          name: 'Testkreis Alt',
          month,
          indicator: 'LZB',
          gender,
          value: 600 * k,
        });
      }
    }
    await upload(server, 'testkreis-alt.csv', canonicalCsv(rows));

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // The layout shifts while the wall loads: the loading line is painted first (the goals held
    // back half a second), then the banner and the first page come together. The loading line is
    // replaced, not pushed down by the banner.
    await page.addInitScript(() => {
      const shifts: number[] = [];
      Object.assign(window, { __shifts: shifts });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
        })[])
          if (!e.hadRecentInput) shifts.push(e.value);
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.route('**/api/goals?*', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await route.continue();
    });
    await page.goto(`${server.url}/wall?region=09001&pages=overview`);
    await page.waitForSelector('.wall-empty');
    await page.waitForSelector('[data-testid="wall-stale"]');
    await page.waitForTimeout(300);
    const shifts = (await page.evaluate(() => Reflect.get(window, '__shifts'))) as number[];
    expect(shifts.reduce((a, b) => a + b, 0)).toBeLessThan(0.01);
    const text = await page.textContent('[data-testid="wall-stale"]');
    expect(text).toMatch(/Daten veraltet: \S+ \d{4} fehlt, gezeigt wird der Datenstand Juni 2023\./);
    await expect(page.textContent('[data-testid="wall-datamonth"]')).resolves.toBe('Datenstand: Juni 2023');
    await expect(page.textContent('.wall-region')).resolves.toBe('Testkreis Alt');
    expect(await page.$('[data-testid="wall-sample"]')).toBeNull();
    expectClean(await checkLayout(page, minFontPx(768)));
    await page.screenshot({ path: artifactPath('wall-stale.png') });
    await page.close();
  });
});
