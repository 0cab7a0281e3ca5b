import { describe, expect, test } from 'vitest';

import {
  contrastRatio,
  GENDER_LINE,
  GOAL_SERIES,
  LINK,
  PAGE_BG,
  STATUS_COLORS,
  SURFACE,
  TEXT,
  TEXT_MUTED,
} from '../../web/lib/palette';

describe('WCAG contrast of the palette', () => {
  test('the formula: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#0072B2', '#0072B2')).toBe(1);
    // Okabe-Ito blue on white, computed by hand from the WCAG luminance formula: ≈ 5.19.
    expect(contrastRatio('#0072B2', '#ffffff')).toBeCloseTo(5.19, 2);
  });

  const textPairs: [string, string, string][] = [
    ['text on page', TEXT, PAGE_BG],
    ['text on surface', TEXT, SURFACE],
    ['muted text on surface', TEXT_MUTED, SURFACE],
    ['muted text on page', TEXT_MUTED, PAGE_BG],
    ['links', LINK, SURFACE],
    ...Object.entries(STATUS_COLORS).map(([k, c]): [string, string, string] => [`status ${k}`, c.fg, c.bg]),
  ];
  test.each(textPairs)('%s: text at least 4.5:1', (_name, fg, bg) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  test.each([
    ...(['current', 'previous', 'target', 'forecast', 'revised'] as const).map(
      (k) => [`goal series ${k}`, GOAL_SERIES[k].color] as const,
    ),
    ...(['female', 'male', 'total'] as const).map((g) => [`gender ${g}`, GENDER_LINE[g].color] as const),
  ])('%s: lines and symbols at least 3:1 on the chart surface', (_name, color) => {
    expect(contrastRatio(color, SURFACE)).toBeGreaterThanOrEqual(3);
  });

  test('line styles tell the series apart without colour', () => {
    const styles = (['current', 'previous', 'target', 'forecast'] as const).map(
      (k) => `${GOAL_SERIES[k].type}/${GOAL_SERIES[k].width}/${GOAL_SERIES[k].symbol}`,
    );
    expect(new Set(styles).size).toBe(styles.length);
    const genders = Object.values(GENDER_LINE).map((g) => `${g.type}/${g.symbol}`);
    expect(new Set(genders).size).toBe(3);
  });
});
