/**
 * The goal charts on phones and up to 4K, in real Chromium on the real server (sample data): the
 * legend (every entry of it) never covers the plot, an axis label or the "Prognose" end label,
 * the plot takes at least 70 % of the chart's width (60 % beside euro labels), and the page does
 * not scroll sideways (the goal page's tabs fit at 320 px). Geometry is read from what ECharts
 * drew: its SVG elements' boxes, a legend entry being its text with the icon drawn at the same
 * place (the same transform). Screenshots go to test-artifacts/charts-narrow-*.png.
 * Needs dist/web (`npx vite build`).
 */

import type { Browser, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { SERIES_NAMES } from '../../web/charts/GoalChart';
import { BAND_NAME } from '../../web/charts/scaffold';
import { withServerAndBrowser } from '../helpers/e2e-suite';
import { artifactPath, type TestServer, trackConsoleErrors } from '../helpers/server';

const E2E_TIMEOUT = 180_000;
const YEAR = 2024; // the sample's year

const GOAL_LEGEND = [
  SERIES_NAMES.current(YEAR),
  SERIES_NAMES.previous(YEAR),
  SERIES_NAMES.target,
  SERIES_NAMES.band,
  SERIES_NAMES.forecast,
  SERIES_NAMES.forecastBand,
  SERIES_NAMES.revised,
  SERIES_NAMES.provisional,
];
const CHANGE_LEGEND = ['Veränderung', 'Ziel', BAND_NAME, 'Prognose'];

/**
 * The charts of a page: test id and the legend entries it must show (a comment may add one), and
 * the least share of the chart's width the plot gets.
 */
const PAGES: { path: string; minShare: number; charts: { id: string; legend: string[] }[] }[] = [
  {
    path: '/ziel/K2-female',
    minShare: 0.7,
    charts: [
      { id: 'goal-chart', legend: GOAL_LEGEND },
      { id: 'change-chart', legend: CHANGE_LEGEND },
    ],
  },
  // Plan goals: a count, and euros, whose axis labels ("10,00 Mio €", 70 px) need a fifth more of
  // a 250-pixel chart than "21,0 %".
  { path: '/ziel/EIN_EF-total', minShare: 0.7, charts: [{ id: 'goal-chart', legend: GOAL_LEGEND }] },
  { path: '/ziel/EGT_IST-total', minShare: 0.6, charts: [{ id: 'goal-chart', legend: GOAL_LEGEND }] },
];

const VIEWPORTS = [
  [320, 640],
  [360, 740],
  [480, 800],
  [768, 1024],
  [1366, 768],
  [3840, 2160],
] as const;

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
interface Geometry {
  chart: Box;
  /** The plot: where the value axis' split lines run. */
  plot: Box;
  legend: { name: string; box: Box }[];
  /** Every other text ECharts drew (axis labels, end labels). */
  texts: { text: string; bold: boolean; box: Box }[];
}

/** Runs in the page: the drawn geometry of the chart with test id `id`. */
function readGeometry({ id, names }: { id: string; names: string[] }): Geometry {
  const root = document.querySelector(`[data-testid="${id}"]`);
  const svg = root?.querySelector('svg');
  if (!root || !svg) throw new Error(`${id}: no chart drawn`);
  const box = (r: DOMRect): Box => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  const union = (boxes: Box[]): Box => ({
    left: Math.min(...boxes.map((b) => b.left)),
    top: Math.min(...boxes.map((b) => b.top)),
    right: Math.max(...boxes.map((b) => b.right)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
  });
  const split = [...svg.querySelectorAll('path[stroke="#dde1e6"]')].map((p) =>
    box(p.getBoundingClientRect()),
  );
  if (split.length < 2) throw new Error(`${id}: no split lines`);
  const legend: Geometry['legend'] = [];
  const texts: Geometry['texts'] = [];
  for (const t of svg.querySelectorAll('text')) {
    const text = t.textContent ?? '';
    const bold = getComputedStyle(t).fontWeight === '700' || t.style.fontWeight === 'bold';
    const transform = t.getAttribute('transform');
    if (!bold && names.includes(text) && transform) {
      // The entry: its text, icon and hit area, all drawn at the same translation.
      const parts = [...svg.querySelectorAll(`[transform="${transform}"]`)];
      legend.push({ name: text, box: union(parts.map((p) => box(p.getBoundingClientRect()))) });
    } else {
      texts.push({ text, bold, box: box(t.getBoundingClientRect()) });
    }
  }
  return { chart: box(root.getBoundingClientRect()), plot: union(split), legend, texts };
}

const overlaps = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Grows the plot upwards by half the largest point symbol drawn on its top edge. */
const withSymbols = (p: Box): Box => ({ ...p, top: p.top - 7 });

async function chartGeometry(page: Page, id: string, names: string[]): Promise<Geometry> {
  const chart = page.locator(`[data-testid="${id}"]`);
  await chart.scrollIntoViewIfNeeded();
  // Drawn when in view; done when every legend entry is there.
  await page.waitForFunction(
    ({ id, n }) =>
      (document.querySelector(`[data-testid="${id}"] svg`)?.querySelectorAll('text').length ?? 0) > n,
    { id, n: names.length },
  );
  return page.evaluate(readGeometry, { id, names: [...names, SERIES_NAMES.comment] });
}

/** What is wrong with a chart's layout, as readable lines (empty: nothing). */
function layoutProblems(g: Geometry, legend: string[]): string[] {
  const problems: string[] = [];
  const shown = g.legend.map((e) => e.name);
  for (const name of legend) if (!shown.includes(name)) problems.push(`legend entry "${name}" not drawn`);
  for (const e of g.legend) {
    if (overlaps(e.box, withSymbols(g.plot))) problems.push(`legend "${e.name}" over the plot`);
    if (e.box.left < g.chart.left - 0.5 || e.box.right > g.chart.right + 0.5)
      problems.push(`legend "${e.name}" outside the chart`);
    for (const t of g.texts) {
      if (overlaps(e.box, t.box)) problems.push(`legend "${e.name}" over label "${t.text}"`);
    }
    for (const o of g.legend) {
      if (o !== e && overlaps(e.box, o.box)) problems.push(`legend "${e.name}" over legend "${o.name}"`);
    }
  }
  for (const t of g.texts.filter((x) => x.bold)) {
    for (const o of g.texts) {
      if (o !== t && overlaps(t.box, o.box)) problems.push(`end label "${t.text}" over "${o.text}"`);
    }
    if (t.box.right > g.chart.right + 0.5) problems.push(`end label "${t.text}" cut off`);
  }
  return problems;
}

let server: TestServer;
let browser: Browser;

withServerAndBrowser((s, b) => {
  server = s;
  browser = b;
}, E2E_TIMEOUT);

describe('goal charts from 320 px to 4K', () => {
  test.each(VIEWPORTS)(
    'at %i×%i the legend stays off the plot and its labels, the plot has the width, no page overflow',
    async (width, height) => {
      const page = await browser.newPage({ viewport: { width, height }, locale: 'de-DE' });
      const errors = trackConsoleErrors(page);
      for (const { path, minShare, charts } of PAGES) {
        await page.goto(`${server.url}${path}?region=01060`);
        await page.waitForSelector(`[data-testid="${charts[0]?.id}"]`);
        for (const chart of charts) {
          const g = await chartGeometry(page, chart.id, chart.legend);
          const where = `${path} ${chart.id} at ${width}px`;
          expect(layoutProblems(g, chart.legend), where).toEqual([]);
          const share = (g.plot.right - g.plot.left) / (g.chart.right - g.chart.left);
          expect(share, `${where}: the plot's share of the chart's width`).toBeGreaterThanOrEqual(minShare);
          if (width <= 360) {
            await page
              .locator(`[data-testid="${chart.id}"]`)
              .screenshot({ path: artifactPath(`charts-narrow-${path.slice(6)}-${chart.id}-${width}.png`) });
          }
        }
        const scroll = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          tabsRight: Math.max(
            0,
            ...[...document.querySelectorAll('[role="tab"]')].map((t) => t.getBoundingClientRect().right),
          ),
        }));
        expect(scroll.width, `${path}: the page's width at ${width}px`).toBeLessThanOrEqual(width);
        expect(scroll.tabsRight, `${path}: the tabs at ${width}px`).toBeLessThanOrEqual(width);
      }
      expect(errors).toEqual([]);
      await page.close();
    },
    E2E_TIMEOUT,
  );
});
