/**
 * The dashboard as a browser meets it, against the production server:
 * - bytes of JavaScript as sent over the wire (Chromium's own Accept-Encoding, encoded sizes)
 *   for `/` (everything the overview loads) and for `/wall` up to its first tiles;
 * - Lighthouse 12.2.3 performance scores (its default mobile profile, simulated throttling) of
 *   `/`, `/wall`, `/monate` and `/ziel/K2-female` with Debian's Chromium, median of `runs`.
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
