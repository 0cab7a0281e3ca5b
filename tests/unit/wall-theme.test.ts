import { describe, expect, test } from 'vitest';

import { contrastRatio } from '../../web/lib/palette';
import { THEMES, themeCssVars } from '../../web/wall/theme';

describe.each(['dark', 'light'] as const)('%s theme meets WCAG AA', (name) => {
  const t = THEMES[name];
  const textPairs: [string, string, string][] = [
    ['text on bg', t.text, t.bg],
    ['text on surface', t.text, t.surface],
    ['muted on bg', t.muted, t.bg],
    ['muted on surface', t.muted, t.surface],
    ['im Ziel on surface', t.ok, t.surface],
    ['gefährdet on surface', t.warn, t.surface],
    ['verfehlt on surface', t.bad, t.surface],
    ['keine Daten on surface', t.none, t.surface],
    ['stale banner', t.staleText, t.staleBg],
    ['offline banner', t.offlineText, t.offlineBg],
    ['sample badge', t.badgeText, t.badgeBg],
  ];
  test.each(textPairs)('text: %s ≥ 4.5:1', (_label, fg, bg) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  // WCAG 1.4.11: graphical objects need 3:1 against their background.
  test.each([
    ['this year', t.current],
    ['last year', t.previous],
    ['target path', t.target],
  ])('chart line: %s ≥ 3:1 on surface', (_label, fg) => {
    expect(contrastRatio(fg, t.surface)).toBeGreaterThanOrEqual(3);
  });

  test('exposes every colour as a CSS variable', () => {
    const vars = themeCssVars(name);
    expect(vars['--wall-bg']).toBe(t.bg);
    expect(vars['--wall-stale-bg']).toBe(t.staleBg);
    expect(Object.keys(vars)).toHaveLength(Object.keys(t).length);
  });
});
