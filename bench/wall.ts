/**
 * Long-run memory check of the wall display: the real server with the sample data, real
 * Chromium, a rotation every 0.2 s (interval=1&speed=5) through the overview and the six goal
 * charts (the chart is built and disposed once per pass). The JS heap is read after 10 and after
 * 500 more rotations; a leak of chart instances, timers, listeners, responses or kept history
 * would make the second figure grow. The number of elements on the overview is compared too.
 *
 * How a reading is taken, and why:
 * - On the overview, only once the last chart is gone (no <svg> left): `gc()` twice in the page,
 *   then CDP Runtime.getHeapUsage; the reading is dropped if the page turned meanwhile (the wall
 *   turns a page every 0.2 s). The page itself waits for the turn to the overview (a
 *   MutationObserver), not a poll from outside, which missed most of its 0.2 s. The smallest of
 *   three readings (three passes of the overview) is kept. (performance.memory is no use here:
 *   its figure does not change within a task.)
 * - V8 runs with --jitless. With the JIT on, V8 keeps compiling more of the wall's functions to
 *   faster tiers for the first thousand or so rotations; that grows the heap's code space by
 *   1–2 MB and then stops (measured with heap-snapshot diffs: new code of distinct functions,
 *   no repeated objects). It is not the wall's memory and would hide what this check is for.
 *
 * Used by tests/e2e/wall-longrun.test.ts (asserts ratio ≤ 1.1); run alone with
 * `npx tsx bench/wall.ts` (needs `npx vite build` first).
 */
import { pathToFileURL } from 'node:url';

import type { Browser, CDPSession, Page } from 'playwright-core';

import { waitForRotations } from '../tests/e2e/wall-checks';
import { launchBrowser, startServer, type TestServer } from '../tests/helpers/server';

/** Chromium arguments for the measurement (see above). */
export const WALL_BENCH_BROWSER_ARGS = ['--js-flags=--jitless --expose-gc'];

export interface WallBenchResult {
  /** JS heap in use after GC, in bytes, after the warm-up rotations (at least 10). */
  heapAfter10: number;
  /** The same after 500 more rotations. */
  heapAfter500: number;
  /** heapAfter500 / heapAfter10. */
  ratio: number;
  /** Rotations between the two readings. */
  rotations: number;
  /** Elements in the document on the overview. */
  nodesAfter10: number;
  nodesAfter500: number;
  /** Mean time per rotation actually observed, in ms. */
  msPerRotation: number;
}

export interface WallBenchOptions {
  /** Rotations between the two readings (default 500). */
  rotations?: number;
  /** Rotations before the first reading (default 10). */
  warmup?: number;
  /** Readings per measurement, the smallest kept (default 3, one per pass of the overview). */
  samples?: number;
  /** Reuse a running server; otherwise one is started (and disposed) here. */
  server?: TestServer;
  /** Reuse a browser launched with WALL_BENCH_BROWSER_ARGS; otherwise one is launched here. */
  browser?: Browser;
  /** Wall URL parameters (default: 0.2 s per page through all pages of the sample region). */
  query?: string;
  log?: (line: string) => void;
}

interface Reading {
  heap: number;
  nodes: number;
  rotation: number;
}

/**
 * Waits in the page for the wall's next turn to the overview and takes the page's part of a
 * reading there: `gc()` twice, the number of elements, the rotation. Null when the moment is not
 * comparable. The page's own observer sees every turn; waiting from outside (Playwright polling
 * `main.wall[data-page="overview"]`) saw the 0.2 s of the overview in about one pass of five in
 * the jitless page, and too late for the reading in most of those.
 */
function overviewInPage(): Promise<{ nodes: number; rotation: string | null } | null> {
  return new Promise((resolve, reject) => {
    const root = document.querySelector('main.wall');
    const gc: unknown = Reflect.get(window, 'gc');
    if (!root) return reject(new Error('wall bench: no main.wall'));
    if (typeof gc !== 'function')
      return reject(new Error('gc() missing: launch Chromium with WALL_BENCH_BROWSER_ARGS'));
    let away = root.getAttribute('data-page') !== 'overview';
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error('wall bench: no turn to the overview within 30 s'));
    }, 30_000);
    const observer = new MutationObserver(() => {
      if (root.getAttribute('data-page') !== 'overview') {
        away = true;
        return;
      }
      if (!away) return;
      observer.disconnect();
      clearTimeout(timer);
      // One task later, once the previous page's effects (the chart's disposal) have run.
      setTimeout(() => {
        // Still on the overview, and the last chart gone: otherwise not a comparable moment.
        if (root.getAttribute('data-page') !== 'overview' || document.querySelector('svg'))
          return resolve(null);
        gc();
        gc();
        resolve({
          nodes: document.getElementsByTagName('*').length,
          rotation: root.getAttribute('data-rotations'),
        });
      }, 0);
    });
    observer.observe(root, { attributes: true, attributeFilter: ['data-page'] });
  });
}

/** One reading on the overview (see the file comment); null when the moment was missed. */
async function tryReading(page: Page, cdp: CDPSession): Promise<Reading | null> {
  const before = await page.evaluate(overviewInPage);
  if (before === null) return null;
  const usage = await cdp.send('Runtime.getHeapUsage');
  // The page turned in between: the figure may include the next page.
  const after = await page.getAttribute('main.wall', 'data-rotations');
  if (after !== before.rotation) return null;
  return { heap: usage.usedSize, nodes: before.nodes, rotation: Number(before.rotation) };
}

/** The smallest of `samples` readings, each on a separate pass of the overview. */
async function measure(page: Page, cdp: CDPSession, samples: number): Promise<Reading> {
  const readings: Reading[] = [];
  for (let attempt = 0; readings.length < samples; attempt++) {
    if (attempt > samples * 20) throw new Error('wall bench: no stable moment on the overview');
    const r = await tryReading(page, cdp);
    if (r) readings.push(r);
  }
  const min = (f: (r: Reading) => number) => Math.min(...readings.map(f));
  return {
    heap: min((r) => r.heap),
    nodes: min((r) => r.nodes),
    rotation: min((r) => r.rotation),
  };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(3);

export async function benchWall(options: WallBenchOptions = {}): Promise<WallBenchResult> {
  const rotations = options.rotations ?? 500;
  const warmup = options.warmup ?? 10;
  const samples = options.samples ?? 3;
  const log = options.log ?? ((line: string) => console.log(line));
  const server = options.server ?? (await startServer());
  const browser = options.browser ?? (await launchBrowser({ args: WALL_BENCH_BROWSER_ARGS }));
  let page: Page | null = null;
  try {
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const cdp = await page.context().newCDPSession(page);
    const query = options.query ?? 'region=01060&interval=1&speed=5';
    await page.goto(`${server.url}/wall?${query}`);
    await page.waitForSelector('main.wall[data-data-version]:not([data-data-version=""])');

    await waitForRotations(page, warmup, 60_000);
    const first = await measure(page, cdp, samples);
    const t0 = Date.now();
    log(`wall bench: rotation ${first.rotation}: JS heap ${mb(first.heap)} MB, ${first.nodes} elements`);

    await waitForRotations(page, first.rotation + rotations, rotations * 1000);
    const last = await measure(page, cdp, samples);
    const msPerRotation = (Date.now() - t0) / Math.max(1, last.rotation - first.rotation);
    const ratio = last.heap / first.heap;
    log(
      `wall bench: rotation ${last.rotation}: JS heap ${mb(last.heap)} MB, ${last.nodes} elements; ratio ${ratio.toFixed(3)}, ${msPerRotation.toFixed(0)} ms per rotation`,
    );
    return {
      heapAfter10: first.heap,
      heapAfter500: last.heap,
      ratio,
      rotations: last.rotation - first.rotation,
      nodesAfter10: first.nodes,
      nodesAfter500: last.nodes,
      msPerRotation,
    };
  } finally {
    await page?.close();
    if (!options.browser) await browser.close();
    if (!options.server) await server.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchWall();
  console.log(JSON.stringify(result, null, 2));
}
