/**
 * Colours of the dashboard. Chart lines use the Okabe-Ito palette (distinguishable with the common
 * colour-vision deficiencies) and differ by line style and symbol too, so no meaning rests on colour.
 * The contrast of every pair used is checked in tests/unit/web-palette.test.ts (WCAG 2.x: 4.5:1 for
 * text, 3:1 for lines and symbols).
 */

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** The chart's background and the text colours on it. */
export const SURFACE = '#ffffff';
export const PAGE_BG = '#f6f7f9';
export const TEXT = '#1d1f24';
export const TEXT_MUTED = '#5c5f66';
export const LINK = '#0b5cad';

/** Goal chart series: colour + line style + symbol. */
export const GOAL_SERIES = {
  current: { color: OKABE_ITO.blue, type: 'solid', width: 3, symbol: 'circle' },
  previous: { color: OKABE_ITO.black, type: 'dotted', width: 2, symbol: 'emptyCircle' },
  target: { color: OKABE_ITO.vermillion, type: 'dashed', width: 2, symbol: 'triangle' },
  forecast: { color: OKABE_ITO.blue, type: 'dashed', width: 2, symbol: 'emptyCircle' },
  forecastBand: { color: OKABE_ITO.skyBlue, opacity: 0.3 },
  revised: { color: OKABE_ITO.reddishPurple, symbol: 'diamond' },
  band: { color: OKABE_ITO.orange, opacity: 0.28 },
} as const;

/** Line styles per gender, for charts that show the genders together. */
export const GENDER_LINE = {
  female: { color: OKABE_ITO.vermillion, type: 'solid', symbol: 'circle' },
  male: { color: OKABE_ITO.blue, type: 'dashed', symbol: 'rect' },
  total: { color: OKABE_ITO.black, type: 'dotted', symbol: 'triangle' },
} as const;

/** Status badge colours: dark text on a light tint (icon + word carry the meaning). */
export const STATUS_COLORS = {
  ok: { fg: '#00553e', bg: '#d9f2e9', border: OKABE_ITO.bluishGreen },
  warn: { fg: '#6b4700', bg: '#fdf1d2', border: OKABE_ITO.orange },
  bad: { fg: '#8f2d00', bg: '#fde2d6', border: OKABE_ITO.vermillion },
  none: { fg: '#333333', bg: '#e9ebee', border: '#6b6f76' },
} as const;

function channel(c: number): number {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a '#rrggbb' colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => channel(Number.parseInt(h ?? '0', 16)));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** WCAG contrast ratio of two colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}
