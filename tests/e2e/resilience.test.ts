/**
 * Code-split pages whose download fails, in real Chromium against the real server: the wall and
 * the dashboard must not go white (web/lib/lazy.ts, web/components/PageError.tsx). Chromium keeps
 * a failed module URL failed for the document's life, so these tests show that the retry really
 * fetches the code again (a fresh URL, or a reload where only that helps).
 */

import type { Browser, Page, Request, Route } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { withServerAndBrowser } from '../helpers/e2e-suite';
import { artifactPath, type TestServer } from '../helpers/server';

const REGION = '01060';

/** A file of the build under /assets/ whose name starts with `prefix` (any query, e.g. `?retry=2`). */
const asset = (prefix: string) => (url: URL) => url.pathname.startsWith(`/assets/${prefix}-`);

/** A download of code (script, module preload or import), not the page's own fetch() probes. */
const isCodeRequest = (r: Request) => r.method() === 'GET' && r.resourceType() !== 'fetch';

/**
 * Fails the first `n` code downloads matching `match` like a dropped connection, then lets them
 * through. Returns the number failed so far and all matching code requests seen.
 */
async function failFirst(page: Page, match: (url: URL) => boolean, n: number) {
  const seen: string[] = [];
  let failed = 0;
  await page.route(match, async (route: Route) => {
    const r = route.request();
    if (!isCodeRequest(r)) return route.continue();
    seen.push(r.url());
    if (failed < n) {
      failed += 1;
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  return { failed: () => failed, seen };
}

/** Counts the page's requests to /api/version from now on. */
function countVersionPolls(page: Page): () => number {
  let n = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/version') n += 1;
  });
  return () => n;
}

async function markWindow(page: Page): Promise<string> {
  const mark = `m-${Math.random()}`;
  await page.evaluate((m) => Object.assign(window, { __mark: m }), mark);
  return mark;
}
const readMark = (page: Page) => page.evaluate(() => Reflect.get(window, '__mark'));

describe('the wall when its chart code fails to download', () => {
  let server: TestServer;
  let browser: Browser;

  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  test('the overview stands in while the chart page is retried, then the chart shows; polling goes on', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const chunk = await failFirst(page, asset('WallGoalPage'), 2);
    const polls = countVersionPolls(page);
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview,K2-total&interval=1&poll=1`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const mark = await markWindow(page);

    // The chart page's turn: its code fails; the overview stays on screen and the wall says why.
    await page.waitForSelector('[data-testid="wall-chart-code"]', { timeout: 10_000 });
    expect(await page.getAttribute('main.wall', 'data-page')).toBe('goal:K2-total');
    expect(await page.$('[data-testid="wall-overview"] article[data-goal]')).not.toBeNull();
    await page.screenshot({ path: artifactPath('wall-chart-code-missing.png') });

    // Retried with backoff under a fresh URL (the failed one stays failed in Chromium's module map).
    await page.waitForSelector('[data-page="goal:K2-total"] [data-testid="wall-chart"] svg text', {
      timeout: 20_000,
    });
    expect(chunk.failed()).toBe(2);
    expect(chunk.seen.some((u) => /\?retry=\d+$/.test(u))).toBe(true);
    expect(await page.$('[data-testid="wall-chart-code"]')).toBeNull();
    // No reload was needed: the same document, still polling.
    expect(await readMark(page)).toBe(mark);
    const before = polls();
    await page.waitForTimeout(2500);
    expect(polls()).toBeGreaterThan(before);
    await page.close();
  }, 60_000);

  test('after an outage while the chart code was due, the wall recovers by itself once the server is back', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/wall?region=${REGION}&pages=overview,K3-total&interval=2&poll=1`);
    await page.waitForSelector('[data-testid="wall-overview"] article[data-goal]');
    const polls = countVersionPolls(page);

    // The server "goes away" before the chart page comes round: every request fails, the chart
    // code's preloads too (which Chromium then keeps failed for this document).
    let down = true;
    await page.route('**/*', (route) => (down ? route.abort('connectionrefused') : route.continue()));
    await page.waitForSelector('[data-testid="wall-offline"]', { timeout: 10_000 });
    await page.waitForFunction(
      () => document.querySelector('main.wall')?.getAttribute('data-page') !== 'overview',
    );
    await page.waitForTimeout(1500);
    // Not white: the last good figures and the banner stay.
    expect(await page.$('[data-testid="wall-overview"] article[data-goal]')).not.toBeNull();
    expect(await page.textContent('[data-testid="wall-offline"]')).toMatch(/Verbindung unterbrochen seit/);
    const duringOutage = polls();
    await page.screenshot({ path: artifactPath('wall-outage-chart-code.png') });

    // Back: the wall still polls, notices, and gets its chart page (reloading itself if needed).
    down = false;
    await page.waitForSelector('[data-page="goal:K3-total"] [data-testid="wall-chart"] svg text', {
      timeout: 45_000,
    });
    expect(polls()).toBeGreaterThan(duringOutage);
    expect(await page.$('[data-testid="wall-offline"]')).toBeNull();
    await page.close();
  }, 90_000);
});

describe('the dashboard when a page fails to download', () => {
  let server: TestServer;
  let browser: Browser;

  withServerAndBrowser((s, b) => {
    server = s;
    browser = b;
  });

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name });

  test('a page whose code does not load says so in German; the navigation works; it loads once it can', async () => {
    const page = await browser.newPage();
    let blocked = true;
    let attempts = 0;
    await page.route(asset('Alerts'), (route) => {
      if (!isCodeRequest(route.request())) return route.continue();
      attempts += 1;
      return blocked ? route.abort('connectionreset') : route.continue();
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.goal-card');
    const mark = await markWindow(page);

    await nav(page, 'Hinweise').click();
    const message = page.getByTestId('page-load-error');
    await message.waitFor({ timeout: 15_000 });
    expect(await message.textContent()).toContain('Diese Seite konnte nicht geladen werden.');
    expect(await message.getByRole('button', { name: 'Neu laden' }).count()).toBe(1);
    // Retried a few times before giving up (the first and three more).
    expect(attempts).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: artifactPath('dashboard-page-load-error.png'), fullPage: true });

    // The header and navigation still work.
    await nav(page, 'Überblick').click();
    await page.waitForSelector('.goal-card');
    expect(await page.$('[data-testid="page-load-error"]')).toBeNull();

    // The code is there again: going back to the page loads it, in the same document.
    blocked = false;
    await nav(page, 'Hinweise').click();
    await page.getByRole('heading', { level: 1, name: 'Hinweise' }).waitFor({ timeout: 15_000 });
    expect(await page.$('[data-testid="page-load-error"]')).toBeNull();
    expect(await readMark(page)).toBe(mark);
    await page.close();
  }, 60_000);

  test('"Neu laden" brings the page back once its code is available', async () => {
    const page = await browser.newPage();
    let blocked = true;
    await page.route(asset('Alerts'), (route) =>
      blocked && isCodeRequest(route.request()) ? route.abort('connectionreset') : route.continue(),
    );
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.goal-card');
    await nav(page, 'Hinweise').click();
    await page.getByTestId('page-load-error').waitFor({ timeout: 15_000 });
    blocked = false;
    await page.getByRole('button', { name: 'Neu laden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hinweise' }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/hinweise');
    await page.close();
  }, 60_000);

  test('after an upgrade (old chunk gone, another build), the page reloads itself into the new build', async () => {
    const page = await browser.newPage();
    const real = (await (await fetch(`${server.url}/api/version`)).json()) as { dataVersion: unknown };
    let upgraded = false;
    await page.route(
      (url) => url.pathname === '/api/version',
      (route) =>
        upgraded
          ? route.fulfill({ json: { dataVersion: real.dataVersion, build: 'neuer-build' } })
          : route.continue(),
    );
    let gone = 0;
    await page.route(asset('Alerts'), (route) => {
      if (!upgraded || gone > 0 || !isCodeRequest(route.request())) return route.continue();
      gone += 1;
      return route.fulfill({ status: 404, body: 'Not Found' });
    });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('.goal-card');
    expect(await markWindow(page)).toMatch(/^m-/);

    upgraded = true;
    await nav(page, 'Hinweise').click();
    await page.getByRole('heading', { level: 1, name: 'Hinweise' }).waitFor({ timeout: 15_000 });
    expect(gone).toBe(1);
    // A new document (the reload), at the page that was asked for.
    expect(await readMark(page)).toBeUndefined();
    expect(new URL(page.url()).pathname).toBe('/hinweise');
    await page.close();
  }, 60_000);
});
