/**
 * The dashboard as a browser meets it, against the production server:
 * - bytes of JavaScript as sent over the wire (Chromium's own Accept-Encoding, encoded sizes)
 *   for `/` (everything the overview loads) and for `/wall` up to its first tiles;
 * - Lighthouse 12.2.3 performance scores (its default mobile profile, simulated throttling) of
 *   `/`, `/wall`, `/monate` and `/ziel/K2-female` with Debian's Chromium, median of `runs`;
 * - the first and largest contentful paint of the same pages as Chromium observes them under its
 *   own throttling (Lighthouse's mobile figures applied: 150 ms round trip, 1.6 Mbit/s, 4× CPU),
 *   beside Lighthouse's estimates, which it simulates from an unthrottled load.
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { chromium, type Request } from 'playwright-core';
import { median } from './lib.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];

export interface WireBytes {
  /** JS bytes as sent for `/` (all scripts the overview loads). */
  overviewJs: number;
  overviewAll: number;
  /** JS bytes as sent for `/wall` until its first tiles are shown. */
  wallJsBeforeTiles: number;
  wallAllBeforeTiles: number;
  acceptEncoding: string;
}

export async function wireBytes(base: string): Promise<WireBytes> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const measure = async (path: string, ready: string, settle: boolean) => {
      const page = await browser.newPage();
      let js = 0;
      let all = 0;
      let encoding = '';
      const finished: Promise<void>[] = [];
      page.on('requestfinished', (req: Request) => {
        finished.push(
          (async () => {
            const sizes = await req.sizes();
            const body = sizes.responseBodySize;
            all += body + sizes.responseHeadersSize;
            if (req.resourceType() === 'script') js += body + sizes.responseHeadersSize;
            encoding ||= (await req.allHeaders())['accept-encoding'] ?? '';
          })(),
        );
      });
      await page.goto(base + path);
      await page.waitForSelector(ready, { timeout: 60_000 });
      if (settle) await page.waitForLoadState('networkidle');
      await Promise.all(finished);
      const result = { js, all, encoding };
      await page.close();
      return result;
    };
    const overview = await measure('/', '[data-testid^="goal-"]', true);
    const wall = await measure('/wall', '[data-testid="wall-overview"] [data-testid="wall-value"]', false);
    return {
      overviewJs: overview.js,
      overviewAll: overview.all,
      wallJsBeforeTiles: wall.js,
      wallAllBeforeTiles: wall.all,
      acceptEncoding: overview.encoding,
    };
  } finally {
    await browser.close();
  }
}

export const LIGHTHOUSE_PAGES = ['/', '/wall', '/monate', '/ziel/K2-female'] as const;

/** The table row of the scores: the median (and every run) per page; met when each median is ≥ 95. */
export function lighthouseRow(
  scores: Record<string, number[]>,
  runs: number,
): { what: string; figure: string; goal: string; ok: boolean } {
  const figure = LIGHTHOUSE_PAGES.map((p) => {
    const xs = scores[p] ?? [];
    return xs.length === 0 ? 'no score' : `${median(xs)} (${xs.join('/')})`;
  }).join(', ');
  return {
    what: `Lighthouse 12.2.3 performance ${LIGHTHOUSE_PAGES.map((p) => `\`${p}\``).join(', ')} (median of ${runs})`,
    figure,
    goal: '≥ 95 each',
    ok: LIGHTHOUSE_PAGES.every((p) => (scores[p] ?? []).length > 0 && median(scores[p] ?? []) >= 95),
  };
}

/** Lighthouse performance scores (0–100) per page, one array entry per run that produced one. */
export async function lighthouseScores(
  base: string,
  runs: number,
  log: (s: string) => void,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(LIGHTHOUSE_PAGES.map((p) => [p, []]));
  for (let run = 0; run < runs; run++) {
    for (const path of LIGHTHOUSE_PAGES) {
      const chrome = await chromeLauncher.launch({
        chromePath: CHROMIUM,
        chromeFlags: ['--headless=new', ...FLAGS],
      });
      try {
        const result = await lighthouse(base + path, {
          port: chrome.port,
          onlyCategories: ['performance'],
          output: 'json',
          logLevel: 'error',
        });
        const score = result?.lhr.categories.performance?.score;
        if (typeof score === 'number') {
          out[path]?.push(Math.round(score * 100));
          log(`  lighthouse run ${run + 1} ${path}: ${Math.round(score * 100)}`);
        } else {
          // A run without a score (Lighthouse's own error, e.g. no paint seen in time on a loaded
          // machine) is reported, not counted.
          log(
            `  lighthouse run ${run + 1} ${path}: no score (${result?.lhr.runtimeError?.code ?? 'unknown'})`,
          );
        }
      } finally {
        await chrome.kill();
      }
    }
  }
  return out;
}

/** Chromium's own throttling for the observed paints: Lighthouse's mobile profile's figures. */
const THROTTLING = { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8, cpu: 4 };

/** The page's largest contentful paint, kept up to date on `window.lcpAt` (ms, -1: none yet). */
const RECORD_LCP = `window.lcpAt = -1;
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.lcpAt = e.startTime; })
  .observe({ type: 'largest-contentful-paint', buffered: true });`;
const READ_PAINTS = `({
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
  lcp: window.lcpAt,
})`;

export interface ObservedPaints {
  /** Per page, ms from navigation start, one entry per run. */
  fcp: Record<string, number[]>;
  lcp: Record<string, number[]>;
}

/**
 * The first and largest contentful paint of each Lighthouse page as observed (PerformanceObserver)
 * in Chromium with THROTTLING, a fresh context (no cache) per run, a phone's viewport.
 */
export async function observedPaints(base: string, runs: number): Promise<ObservedPaints> {
  const out: ObservedPaints = { fcp: {}, lcp: {} };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    for (let run = 0; run < runs; run++) {
      for (const path of LIGHTHOUSE_PAGES) {
        const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
        try {
          const page = await context.newPage();
          // Browser code as text: this file is type-checked without the DOM's types.
          await page.addInitScript({ content: RECORD_LCP });
          const cdp = await context.newCDPSession(page);
          await cdp.send('Network.enable');
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false,
            latency: THROTTLING.latency,
            downloadThroughput: THROTTLING.downloadThroughput,
            uploadThroughput: THROTTLING.uploadThroughput,
          });
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLING.cpu });
          await page.goto(base + path, { waitUntil: 'networkidle', timeout: 60_000 });
          // The largest paint is final once the page has had input or a moment without change.
          await page.waitForTimeout(300);
          const paint = (await page.evaluate(READ_PAINTS)) as { fcp: number; lcp: number };
          if (paint.fcp >= 0) out.fcp[path] = [...(out.fcp[path] ?? []), Math.round(paint.fcp)];
          if (paint.lcp >= 0) out.lcp[path] = [...(out.lcp[path] ?? []), Math.round(paint.lcp)];
        } finally {
          await context.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
  return out;
}

/** The table row of the observed paints: median (range) per page, first / largest. */
export function observedPaintsRow(p: ObservedPaints, runs: number): { what: string; figure: string } {
  const fig = (xs: number[] | undefined) =>
    xs === undefined || xs.length === 0 ? 'none' : `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  return {
    what: `first / largest contentful paint in ms as observed in Chromium with its own throttling (150 ms RTT, 1.6 Mbit/s, 4× CPU; median of ${runs}) ${LIGHTHOUSE_PAGES.map((x) => `\`${x}\``).join(', ')}`,
    figure: LIGHTHOUSE_PAGES.map((x) => `${fig(p.fcp[x])} / ${fig(p.lcp[x])}`).join(', '),
  };
}
