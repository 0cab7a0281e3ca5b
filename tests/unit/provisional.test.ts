import { describe, expect, test } from 'vitest';
import { month } from '../../core/months.js';
import { itemText } from '../../server/alerts/compose.js';
import { buildGoalChartOption, type GoalChartPoint } from '../../web/charts/GoalChart.js';
import { formatProvisionalCount } from '../../web/lib/provisional.js';
import { defaultPattern } from '../../web/pages/imports/wizard-draft.js';
import { goal } from '../alerts/fixtures.js';

describe('provisional values in the web and in mails', () => {
  test.each([
    [3730.59, '≈ 3.731 (vorläufig)'],
    [10585.41, '≈ 10.585 (vorläufig)'],
    [6720, '≈ 6.720 (vorläufig)'],
    [null, '–'],
  ])('formatProvisionalCount(%s) = %s', (n, text) => {
    expect(formatProvisionalCount(n)).toBe(text);
  });

  test('the goal chart draws provisional points hollow on this year’s line and says so in the tooltip', () => {
    const pt = (m: string, current: number | null, provisional: boolean): GoalChartPoint => ({
      month: month(m),
      current,
      previous: 10,
      target: 11,
      atRiskEdge: 10.5,
      forecast: null,
      forecastLow: null,
      forecastHigh: null,
      changePct: null,
      forecastChangePct: null,
      revised: false,
      provisional,
    });
    const option = buildGoalChartOption(
      [pt('2024-10', 9, false), pt('2024-11', 9.5, true), pt('2024-12', null, false)],
      2024,
      String,
    );
    const series = (option.series as { id?: string; data?: unknown; itemStyle?: { color?: string } }[]).find(
      (s) => s.id === 'provisional',
    );
    expect(series?.data).toEqual([null, 9.5, null]);
    expect(series?.itemStyle?.color).toBe('#ffffff');
    const tooltip = (option.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 1 }]);
    expect(tooltip).toContain('(vorläufig)');
    expect(
      (option.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 0 }]),
    ).not.toContain('vorläufig');
  });

  test('an alert mail notes a value resting on provisional figures', () => {
    const region = { id: '01060', name: 'Kreis Segeberg', sample: false, sampleAsOf: null };
    const item = (provisional: boolean) => ({
      type: 'goal' as const,
      key: 'k',
      kind: 'worse' as const,
      region,
      year: 2024,
      dataMonth: month('2024-06'),
      previousStatus: 'met' as const,
      goal: goal({
        id: 'K2-female',
        status: 'at_risk',
        current: 20,
        previous: 21,
        changePct: -4.8,
        provisional,
      }),
      unit: 'percent' as const,
    });
    expect(itemText(item(true), 'http://x')).toContain('vorläufig: enthält hochgerechnete BA-Werte');
    expect(itemText(item(false), 'http://x')).not.toContain('vorläufig');
  });
});

describe('wizard: the file pattern proposed for next month’s file', () => {
  test.each([
    ['lzb-segeberg-2024-09.csv', 'lzb-segeberg-*.csv'],
    ['jc-eckwerte-t11522-0-202409-xlsx.xlsx', 'jc-eckwerte-t11522-0-*-xlsx.xlsx'],
    ['Bestand_202406.xlsx', 'Bestand_*.xlsx'],
    ['zahlen.csv', 'zahlen.csv'],
  ])('%s → %s', (name, pattern) => {
    expect(defaultPattern(name)).toBe(pattern);
  });
});
