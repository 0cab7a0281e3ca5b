/**
 * The month charts' layout at their width (web/charts/scaffold.ts frameLayout): the legend in rows
 * that fit (so ECharts wraps nothing itself and the plot starts below the last row), a compact
 * frame without end labels on narrow charts, and the parts merged by ECharts itself over the
 * option (server-side rendering in node) keep every series.
 */
import { describe, expect, test } from 'vitest';
import { formatPercent } from '../../core/format.js';
import { month as M } from '../../core/months.js';
import { echarts } from '../../web/charts/echarts';
import {
  buildChangeChartOption,
  buildGoalChartOption,
  type GoalChartPoint,
} from '../../web/charts/GoalChart';
import { frameLayout, type MeasureText, NARROW_CHART_PX } from '../../web/charts/scaffold';

const point = (m: string, current: number | null, forecast: number | null): GoalChartPoint => ({
  month: M(m),
  current,
  previous: 2,
  target: 2.02,
  atRiskEdge: 2.002,
  forecast,
  forecastLow: forecast,
  forecastHigh: forecast,
  changePct: current === null ? null : 1,
  forecastChangePct: forecast === null ? null : 1,
  revised: false,
  provisional: false,
});
const points = [point('2024-01', 2.1, null), point('2024-02', 2.2, 2.2), point('2024-03', null, 2.3)];
const goal = buildGoalChartOption(points, 2024, (v) => formatPercent(v), [
  { month: M('2024-02'), author: 'A', text: 'x' },
]);
const change = buildChangeChartOption(points, 1.1, 0.1);

/** A stand-in for the browser's measure: 0.6 em per character. */
const measure: MeasureText = (text, px) => text.length * px * 0.6;

interface LaidOutLegend {
  data: (string | { name: string })[];
  padding: number;
  itemGap: number;
  itemWidth: number;
  textStyle: { fontSize: number };
}
const name = (item: string | { name: string }) => (typeof item === 'string' ? item : item.name);

function laidOut(option: ReturnType<typeof frameLayout>) {
  const legend = option.legend as LaidOutLegend;
  const grid = option.grid as { top: number; left: number; right: number };
  const rows: string[][] = [[]];
  for (const item of legend.data) {
    if (name(item) === '') rows.push([]);
    else rows.at(-1)?.push(name(item));
  }
  const rowWidth = (row: string[]) =>
    row.reduce(
      (sum, n, i) =>
        sum + (i > 0 ? legend.itemGap : 0) + legend.itemWidth + 5 + measure(n, legend.textStyle.fontSize),
      0,
    );
  const endLabels = (option.series as { id: string; endLabel: { show: boolean } }[]).map((s) => [
    s.id,
    s.endLabel.show,
  ]);
  return { legend, grid, rows, rowWidth, endLabels };
}

const legendNames = (option: typeof goal) => ((option.legend as LaidOutLegend).data ?? []).map(name);

describe('frameLayout', () => {
  test.each([
    ['goal chart', goal],
    ['change chart', change],
  ])(
    '%s: every width from 240 to 3840 px — rows that fit, all entries in order, the plot below them',
    (_, option) => {
      let lastRows = Number.POSITIVE_INFINITY;
      for (let width = 240; width <= 3840; width += 10) {
        const { legend, grid, rows, rowWidth } = laidOut(frameLayout(option, width, measure));
        expect(rows.flat()).toEqual(legendNames(option));
        for (const row of rows) {
          // A row that fits (or a single entry, which cannot be split).
          if (row.length > 1) expect(rowWidth(row)).toBeLessThanOrEqual(width - 2 * legend.padding);
          expect(row.length).toBeGreaterThan(0);
        }
        // The plot starts below the last row: at least each row's text and the gaps between them.
        const rowsHeight = rows.length * legend.textStyle.fontSize + (rows.length - 1) * legend.itemGap;
        expect(grid.top).toBeGreaterThan(2 * legend.padding + rowsHeight);
        // Fewer rows as the chart widens (the wide legend's larger type starts anew).
        if (width === NARROW_CHART_PX) lastRows = Number.POSITIVE_INFINITY;
        expect(rows.length).toBeLessThanOrEqual(lastRows);
        lastRows = rows.length;
      }
    },
  );

  test('a phone (narrow chart): a compact legend over several rows, the plot nearly to both edges, no end label', () => {
    const { legend, grid, rows, endLabels } = laidOut(frameLayout(goal, 256, measure));
    expect(rows.length).toBeGreaterThan(2);
    expect(legend.textStyle.fontSize).toBe(12);
    expect(grid.left + grid.right).toBeLessThanOrEqual(20);
    // The legend names the dashed forecast line; an end label would need 80 px of 256.
    expect(endLabels).toEqual([['forecast', false]]);
  });

  test('a wide chart: room for the "Prognose" end label, the legend in one or two rows', () => {
    expect(NARROW_CHART_PX).toBe(480);
    const at = (w: number) => laidOut(frameLayout(goal, w, measure));
    expect(at(NARROW_CHART_PX).endLabels).toEqual([['forecast', true]]);
    expect(at(NARROW_CHART_PX).grid.right).toBe(80);
    expect(at(NARROW_CHART_PX - 1).endLabels).toEqual([['forecast', false]]);
    expect(at(686).rows.length).toBe(2);
    expect(at(1800).rows.length).toBe(1);
    expect(at(1800).grid.top).toBeLessThan(at(686).grid.top);
  });

  test('without a browser canvas the measure overestimates (rows are never too few)', async () => {
    const { measureText } = await import('../../web/charts/scaffold');
    expect(measureText('Prognose 80 %-Bereich', 12)).toBeGreaterThanOrEqual(21 * 12 * 0.6);
  });

  test('ECharts merges the parts over the option: every series stays, the end label goes, the legend breaks', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 300, height: 400 });
    try {
      chart.setOption(goal, { notMerge: true, lazyUpdate: true });
      chart.setOption(frameLayout(goal, 300, measure));
      const merged = chart.getOption() as {
        series: { id: string; data: unknown[]; endLabel?: { show: boolean } }[];
        legend: { data: unknown[] }[];
        grid: { top: number }[];
      };
      const before = goal.series as { id: string; data: unknown[] }[];
      expect(merged.series.map((s) => s.id)).toEqual(before.map((s) => s.id));
      expect(merged.series.map((s) => s.data)).toEqual(before.map((s) => s.data));
      expect(merged.series.find((s) => s.id === 'forecast')?.endLabel?.show).toBe(false);
      expect(merged.legend[0]?.data).toContain('');
      expect(merged.grid[0]?.top).toBe((frameLayout(goal, 300, measure).grid as { top: number }).top);
      // Wider again: the end label returns, the legend takes fewer rows.
      chart.setOption(frameLayout(goal, 900, measure));
      const wide = chart.getOption() as typeof merged;
      expect(wide.series.find((s) => s.id === 'forecast')?.endLabel?.show).toBe(true);
      expect(wide.legend[0]?.data.filter((d) => d === '').length).toBeLessThan(
        merged.legend[0]?.data.filter((d) => d === '').length ?? 0,
      );
    } finally {
      chart.dispose();
    }
  });
});
