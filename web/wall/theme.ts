/**
 * The wall's two colour themes in one place: the CSS custom properties and the chart colours
 * come from here, and a unit test checks every text/background pair against WCAG AA (4.5:1 for
 * text, 3:1 for chart lines). Status colours are only an extra: icon and word carry the meaning.
 */
import { cssVars } from '../lib/palette';
import type { WallTheme } from './params';

export interface WallColors {
  bg: string;
  surface: string;
  border: string;
  text: string;
  muted: string;
  ok: string;
  warn: string;
  bad: string;
  none: string;
  staleBg: string;
  staleText: string;
  offlineBg: string;
  offlineText: string;
  badgeBg: string;
  badgeText: string;
  /** This year's line. */
  current: string;
  /** Last year's line. */
  previous: string;
  /** The target path. */
  target: string;
  /** The at-risk band (translucent fill, not text). */
  band: string;
  grid: string;
}

// Line colours follow Okabe-Ito (colour-blind safe); the lines also differ in width and dash.
export const THEMES: Record<WallTheme, WallColors> = {
  dark: {
    bg: '#0b0f14',
    surface: '#151b23',
    border: '#2d3743',
    text: '#f0f3f6',
    muted: '#b4bfcc',
    ok: '#56d364',
    warn: '#f2cc60',
    bad: '#ff8a80',
    none: '#b4bfcc',
    staleBg: '#f2cc60',
    staleText: '#1b1300',
    offlineBg: '#b3261e',
    offlineText: '#ffffff',
    badgeBg: '#e8eef5',
    badgeText: '#0b0f14',
    current: '#56b4e9',
    previous: '#9aa7b5',
    target: '#e69f00',
    band: 'rgba(230, 159, 0, 0.22)',
    grid: '#2d3743',
  },
  light: {
    bg: '#eef1f5',
    surface: '#ffffff',
    border: '#c9d1da',
    text: '#14181f',
    muted: '#4a5563',
    ok: '#17692d',
    warn: '#7a5200',
    bad: '#b3261e',
    none: '#4a5563',
    staleBg: '#7a5200',
    staleText: '#ffffff',
    offlineBg: '#b3261e',
    offlineText: '#ffffff',
    badgeBg: '#14181f',
    badgeText: '#ffffff',
    current: '#0072b2',
    previous: '#6b7785',
    target: '#c25400',
    band: 'rgba(213, 94, 0, 0.16)',
    grid: '#d5dbe2',
  },
};

/** The colours as CSS custom properties (`--wall-bg`, ...) for the wall's root element. */
export function themeCssVars(theme: WallTheme): Record<string, string> {
  return cssVars({ ...THEMES[theme] }, 'wall-');
}
