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

/**
 * Every colour the dashboard's stylesheet uses (web/styles.css reads them as `var(--name)` and
 * declares none of its own); main.tsx sets them on the root element. The contrast test reads these
 * and the stylesheet's rules.
 */
export const PAGE_COLORS = {
  bg: PAGE_BG,
  surface: SURFACE,
  text: TEXT,
  muted: TEXT_MUTED,
  link: LINK,
  border: '#c9ced6',
  focus: OKABE_ITO.blue,
  /** Text on a `--focus` background (primary buttons). */
  onFocus: '#ffffff',
  danger: '#b42318',
  headerBg: '#1c3d5a',
  headerText: '#ffffff',
  headerMuted: '#c9d7e6',
  /** The current page's tab in the header (a light veil over `--header-bg`). */
  headerCurrentBg: 'rgba(255, 255, 255, 0.14)',
  brand: OKABE_ITO.blue,
  tableRule: '#e3e6ea',
  tableHeadBg: '#eef1f5',
  rowHoverBg: '#f3f6fa',
  codeBg: '#f3f4f6',
  backdrop: 'rgba(0, 0, 0, 0.45)',
  shadow: 'rgba(0, 0, 0, 0.25)',
  sparkCurrent: GOAL_SERIES.current.color,
  sparkPrevious: GOAL_SERIES.previous.color,
  sparkTarget: GOAL_SERIES.target.color,
  revised: GOAL_SERIES.revised.color,
  wizardNumberBg: 'rgba(26, 95, 180, 0.06)',
  wizardMarkedBg: 'rgba(38, 162, 105, 0.22)',
  okFg: STATUS_COLORS.ok.fg,
  okBg: STATUS_COLORS.ok.bg,
  okBorder: STATUS_COLORS.ok.border,
  warnFg: STATUS_COLORS.warn.fg,
  warnBg: STATUS_COLORS.warn.bg,
  warnBorder: STATUS_COLORS.warn.border,
  badFg: STATUS_COLORS.bad.fg,
  badBg: STATUS_COLORS.bad.bg,
  badBorder: STATUS_COLORS.bad.border,
  noneFg: STATUS_COLORS.none.fg,
  noneBg: STATUS_COLORS.none.bg,
  noneBorder: STATUS_COLORS.none.border,
} as const;

/** Colours as CSS custom properties: `headerBg` → `--{prefix}header-bg`. */
export function cssVars(colors: Readonly<Record<string, string>>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(colors)) {
    out[`--${prefix}${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`] = v;
  }
  return out;
}

/** The dashboard's custom properties, as set on the root element. */
export const PAGE_CSS_VARS = cssVars(PAGE_COLORS);

/** Sets custom properties on an element (the page root, the wall). */
export function applyCssVars(
  el: { style: { setProperty(name: string, value: string): void } },
  vars: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(vars)) el.style.setProperty(name, value);
}

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
