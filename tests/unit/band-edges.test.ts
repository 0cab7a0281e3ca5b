/**
 * The at-risk band's fill is light (below 3:1 against the chart's background), so its edges are
 * drawn as dotted lines in the target's colour, which meet WCAG 1.4.11 (3:1 for graphics) on the
 * dashboard's white and on both wall themes.
 */
import { describe, expect, test } from 'vitest';
import { buildGoalChartOption, type GoalChartPoint } from '../../web/charts/GoalChart';
import { contrastRatio, GOAL_SERIES } from '../../web/lib/palette';
import { buildWallChartOption } from '../../web/wall/chart';
import { THEMES } from '../../web/wall/theme';
import { GOAL_POINTS } from './goal-points.js';

// A K2 month with target +1.1 % and a band of 1 point (tests/unit/goal-points.ts).
const point = GOAL_POINTS[0] as GoalChartPoint;

interface Line {
  id?: string;
  lineStyle?: { color?: string; opacity?: number; type?: string; width?: number };
}

function bandLines(series: unknown): Line[] {
  const all = (Array.isArray(series) ? series : [series]) as Line[];
  return all.filter((s) => s.id === 'band-base' || s.id === 'band');
}

describe('the at-risk band has visible edges', () => {
  test('dashboard: both edges dotted in the target colour, ≥ 3:1 on white', () => {
    const lines = bandLines(buildGoalChartOption([point], 2024, String).series);
    expect(lines.map((l) => l.id)).toEqual(['band-base', 'band']);
    for (const l of lines) {
      expect(l.lineStyle).toMatchObject({ color: GOAL_SERIES.target.color, type: 'dotted' });
      expect(l.lineStyle?.opacity ?? 1).toBe(1);
    }
    expect(contrastRatio(GOAL_SERIES.target.color, '#ffffff')).toBeGreaterThanOrEqual(3);
  });

  test.each(['dark', 'light'] as const)(
    'wall (%s): both edges dotted in the target colour, ≥ 3:1 on the tile',
    (name) => {
      const colors = THEMES[name];
      const option = buildWallChartOption({
        points: [point],
        year: 2024,
        formatValue: String,
        colors,
        fontPx: 28,
      });
      const lines = bandLines(option.series);
      expect(lines.map((l) => l.id)).toEqual(['band-base', 'band']);
      for (const l of lines) {
        expect(l.lineStyle).toMatchObject({ color: colors.target, type: 'dotted' });
        expect(l.lineStyle?.opacity ?? 1).toBe(1);
        expect(l.lineStyle?.width).toBeGreaterThanOrEqual(2);
      }
      expect(contrastRatio(colors.target, colors.surface)).toBeGreaterThanOrEqual(3);
    },
  );
});
