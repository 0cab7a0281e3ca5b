import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';

import {
  contrastRatio,
  GENDER_LINE,
  GOAL_SERIES,
  LINK,
  PAGE_BG,
  PAGE_CSS_VARS,
  STATUS_COLORS,
  SURFACE,
  TEXT,
  TEXT_MUTED,
} from '../../web/lib/palette';
import { themeCssVars } from '../../web/wall/theme';

const css = (file: string) => readFileSync(new URL(`../../web/${file}`, import.meta.url), 'utf8');
const STYLES = css('styles.css');
const WALL = css('wall/wall.css');

/** Custom properties that are not colours (sizes). */
const NOT_COLOURS = new Set(['--radius', '--u', '--text-min']);

/** The rules of a stylesheet (comments dropped; nested at-rules flattened to their inner rules). */
function rules(sheet: string): { selector: string; decls: Map<string, string> }[] {
  const text = sheet.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({
    selector: (m[1] ?? '').trim(),
    decls: new Map(
      (m[2] ?? '')
        .split(';')
        .map((d) => d.split(':').map((x) => x.trim()))
        .filter((d): d is [string, string] => d.length === 2 && d[0] !== ''),
    ),
  }));
}

/** A colour that a rule's declaration reads from a custom property: `var(--ok-fg)` → its value. */
function varValue(value: string | undefined, vars: Record<string, string>): string | null {
  const m = /^var\((--[a-z0-9-]+)\)$/.exec(value ?? '');
  return m ? (vars[m[1] ?? ''] ?? null) : null;
}

/** `rgba(r, g, b, a)` laid over an opaque '#rrggbb'. */
function over(rgba: string, base: string): string {
  const m = /^rgba\((\d+), (\d+), (\d+), ([\d.]+)\)$/.exec(rgba);
  if (!m) return rgba;
  const a = Number(m[4]);
  const hex = [1, 2, 3].map((i) => {
    const b = Number.parseInt(base.slice(2 * i - 1, 2 * i + 1), 16);
    return Math.round(Number(m[i]) * a + b * (1 - a))
      .toString(16)
      .padStart(2, '0');
  });
  return `#${hex.join('')}`;
}

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

describe.each([
  ['web/styles.css', STYLES, PAGE_CSS_VARS],
  ['web/wall/wall.css', WALL, { ...themeCssVars('dark') }],
] as const)('%s takes every colour from the palette', (_file, sheet, vars) => {
  const body = sheet.replace(/\/\*[\s\S]*?\*\//g, '');

  test('declares no colour value of its own', () => {
    expect(body.match(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(/gi) ?? []).toEqual([]);
    expect(body.match(/:root\s*\{[^}]*--(?!radius)[a-z-]+\s*:/g) ?? []).toEqual([]);
  });

  test('every colour property it reads is one the palette sets', () => {
    const used = new Set([...body.matchAll(/var\((--[a-z0-9-]+)/g)].map((m) => m[1] ?? ''));
    const unknown = [...used].filter((v) => !NOT_COLOURS.has(v) && !(v in vars));
    expect(unknown).toEqual([]);
  });
});

describe('the pairs the dashboard stylesheet draws (as generated into the page)', () => {
  const v = (name: string) => {
    const value = PAGE_CSS_VARS[name];
    if (value === undefined) throw new Error(`${name} is not in the palette`);
    return value;
  };
  // A rule that sets both its text colour and its background: checked as the page draws it.
  const drawn = rules(STYLES).flatMap(({ selector, decls }) => {
    const fg = varValue(decls.get('color'), PAGE_CSS_VARS);
    const bg = varValue(decls.get('background') ?? decls.get('background-color'), PAGE_CSS_VARS);
    return fg && bg?.startsWith('#') ? [[selector, fg, bg] as [string, string, string]] : [];
  });

  test('the stylesheet has such rules (buttons, badges, banners)', () => {
    expect(drawn.length).toBeGreaterThanOrEqual(8);
  });

  test.each(drawn)('%s: text at least 4.5:1', (_selector, fg, bg) => {
    expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  // Text on a background it inherits from an ancestor rule.
  test.each([
    ['text on page', '--text', '--bg'],
    ['muted text on surface', '--muted', '--surface'],
    ['muted text on page', '--muted', '--bg'],
    ['links on page', '--link', '--bg'],
    ['errors on surface', '--danger', '--surface'],
    ['text of a danger button', '--on-focus', '--danger'],
    ['header links', '--header-muted', '--header-bg'],
    ['table head', '--text', '--table-head-bg'],
    ['hovered row', '--text', '--row-hover-bg'],
    ['token value', '--text', '--code-bg'],
  ])('%s: at least 4.5:1', (_name, fg, bg) => {
    expect(contrastRatio(v(fg), v(bg))).toBeGreaterThanOrEqual(4.5);
  });

  test('the current tab: header text on the veiled header at least 4.5:1', () => {
    expect(
      contrastRatio(v('--header-text'), over(v('--header-current-bg'), v('--header-bg'))),
    ).toBeGreaterThanOrEqual(4.5);
  });

  test.each([
    ['focus ring on page', '--focus', '--bg'],
    ['focus ring on surface', '--focus', '--surface'],
    ['sparkline this year', '--spark-current', '--surface'],
    ['sparkline last year', '--spark-previous', '--surface'],
    ['sparkline target', '--spark-target', '--surface'],
  ])('%s: at least 3:1 (non-text)', (_name, fg, bg) => {
    expect(contrastRatio(v(fg), v(bg))).toBeGreaterThanOrEqual(3);
  });
});
