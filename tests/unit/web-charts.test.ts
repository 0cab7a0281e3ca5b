import { describe, expect, test } from 'vitest';
import { formatPercent } from '../../core/format.js';
import { buildChangeChartOption, buildGoalChartOption } from '../../web/charts/GoalChart';
import { GOAL_POINTS as points } from './goal-points.js';

function byId(option: ReturnType<typeof buildGoalChartOption>, id: string): unknown {
  const all: unknown[] = Array.isArray(option.series) ? option.series : [option.series];
  for (const s of all) {
    if (typeof s === 'object' && s !== null && 'id' in s && s.id === id && 'data' in s) return s.data;
  }
  return undefined;
}

describe('goal chart option', () => {
  const option = buildGoalChartOption(points, 2024, (v) => formatPercent(v));

  test('the at-risk band is stacked from the lower edge with the band width', () => {
    const base = byId(option, 'band-base');
    const width = byId(option, 'band');
    expect(base).toEqual([2.002, 4.004, 6.006]);
    // 2.022 − 2.002 = 0.02, 4.044 − 4.004 = 0.04, 6.066 − 6.006 = 0.06
    expect((width as number[]).map((w) => Number(w.toFixed(6)))).toEqual([0.02, 0.04, 0.06]);
  });

  test('lines carry the values; revised months get a marker on this year’s value', () => {
    expect(byId(option, 'current')).toEqual([2.1, 4.0, null]);
    expect(byId(option, 'previous')).toEqual([2.0, 4.0, 6.0]);
    expect(byId(option, 'forecast')).toEqual([null, 4.0, 6.0]);
    // The forecast's 80 % band: base at the low edge, stacked width high − low.
    expect(byId(option, 'forecast-band-base')).toEqual([null, 4.0, 5.7]);
    expect(
      (byId(option, 'forecast-band') as (number | null)[]).map((w) =>
        w === null ? null : Number(w.toFixed(6)),
      ),
    ).toEqual([null, 0, 0.5]);
    expect(byId(option, 'revised')).toEqual([null, 4.0, null]);
  });

  test('German tooltip', () => {
    const tooltip = option.tooltip;
    const formatter =
      !Array.isArray(tooltip) && tooltip && typeof tooltip.formatter === 'function'
        ? tooltip.formatter
        : null;
    if (!formatter) throw new Error('no tooltip formatter');
    const html = String(formatter([{ dataIndex: 1 }] as never, '', () => {}));
    expect(html).toContain('<strong>Februar 2024</strong> (revidiert)');
    expect(html).toContain('2024: <strong>4,0 %</strong>');
    expect(html).toContain('Zielpfad: <strong>4,0 %</strong>');
    expect(html).toContain('Prognose: <strong>4,0 %</strong>');
  });
});

describe('change chart', () => {
  test('the change line and the forecast change are the per-point changes of the API', () => {
    const option = buildChangeChartOption(points, 1.1, 0.1);
    expect(byId(option, 'change')).toEqual([5, 0, null]);
    expect(byId(option, 'forecast')).toEqual([null, 0, 0]);
  });

  test('the tooltip tells a change from the target as the cards do (audit finding 2)', () => {
    const option = buildChangeChartOption(points, -1, -2);
    const format = (option.tooltip as { valueFormatter: (v: unknown) => string }).valueFormatter;
    expect(format(-1.0315)).toBe('−1,03 %');
    expect(format(-1)).toBe('−1,0 %');
    expect(format(-0.8)).toBe('−0,8 %');
    expect(format(null)).toBe('–');
  });

  test('target and band as constant lines', () => {
    const option = buildChangeChartOption(points, 1.1, 0.1);
    expect(byId(option, 'target')).toEqual([1.1, 1.1, 1.1]);
    expect(byId(option, 'band-base')).toEqual([0.1, 0.1, 0.1]);
    expect((byId(option, 'band') as number[]).map((w) => Number(w.toFixed(9)))).toEqual([1, 1, 1]);
  });
});
