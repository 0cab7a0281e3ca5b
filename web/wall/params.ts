/**
 * The wall's URL parameters. A TV is configured by its bookmark alone, so every parameter has a
 * safe default and a bad value falls back to it with a visible German warning instead of a blank
 * screen. Documented in docs/wall.md.
 */
import { GOAL_ID_PATTERN } from '../../core/goal-id';
import { REGION_ID_RE } from '../../core/region-id';
import { type Check, matching, oneOf } from '../lib/param-checks';

export type WallTheme = 'dark' | 'light';

/** What `pages` asked for: every page, or an explicit list of page tokens in order. */
export type PageSpec = { kind: 'all' } | { kind: 'list'; tokens: string[] };

export interface WallParams {
  /** Region id, or null for the server's default region. */
  region: string | null;
  /** Target year, or null for the server's default (the year of the data month). */
  year: number | null;
  /** Milliseconds each page stays on screen (already divided by `speed`). */
  intervalMs: number;
  pages: PageSpec;
  theme: WallTheme;
  /** Milliseconds between version polls (already divided by `speed`). */
  pollMs: number;
  /** Time-lapse factor for tests (1 in normal use). */
  speed: number;
  /** German, one per ignored parameter, shown small at the bottom of the screen. */
  warnings: string[];
}

export const DEFAULT_INTERVAL_S = 20;
export const MIN_INTERVAL_S = 1;
export const MAX_INTERVAL_S = 3600;
export const DEFAULT_POLL_S = 60;
export const MIN_POLL_S = 1;
export const MAX_POLL_S = 3600;
export const MAX_SPEED = 100;

/**
 * 'overview', 'plan' (the plan goals: entries, budgets, places) or a goal id such as 'K2-female'
 * (indicator code, dash, gender).
 */
export const PAGE_TOKEN_RE = new RegExp(`^(overview|plan|${GOAL_ID_PATTERN})$`);

/** Seconds (or a factor): a number, decimal point or comma, within [min, max]. */
const seconds =
  (min: number, max: number): Check<number> =>
  (text) => {
    const n = Number(text.replace(',', '.'));
    return Number.isFinite(n) && n >= min && n <= max ? n : null;
  };

/** Each parameter's check, on its trimmed text (web/lib/param-checks.ts). */
const checks = {
  region: matching(REGION_ID_RE),
  year: (text) => {
    if (!/^\d{4}$/.test(text)) return null;
    const year = Number(text);
    return year >= 2000 && year <= 2100 ? year : null;
  },
  interval: seconds(MIN_INTERVAL_S, MAX_INTERVAL_S),
  poll: seconds(MIN_POLL_S, MAX_POLL_S),
  speed: seconds(1, MAX_SPEED),
  theme: oneOf<WallTheme>(['dark', 'light']),
  pages: (text) => {
    const tokens = text
      .split(/[,;\s]+/)
      .map((t) => t.trim())
      .filter(Boolean);
    return tokens.length > 0 && tokens.every((t) => t === 'all' || PAGE_TOKEN_RE.test(t)) ? tokens : null;
  },
} satisfies Record<string, Check<unknown>>;

const RULES: Record<keyof typeof checks, string> = {
  region: 'Regionsschlüssel aus Buchstaben und Ziffern',
  year: 'Jahr, z. B. 2024',
  interval: `Sekunden von ${MIN_INTERVAL_S} bis ${MAX_INTERVAL_S}`,
  poll: `Sekunden von ${MIN_POLL_S} bis ${MAX_POLL_S}`,
  speed: `Faktor von 1 bis ${MAX_SPEED} (nur für Tests)`,
  theme: '"dark" oder "light"',
  pages: '"all" oder z. B. "overview,plan,K2-total,K3-total"',
};

/**
 * The warning for a well-formed region the server does not know (a typo, or a region whose data are
 * not loaded yet): the format is checked here, whether it exists only the server can say.
 */
export function unknownRegionWarning(region: string): string {
  return `region=${region.slice(0, 40)} ignoriert (Region unbekannt)`;
}

/** Parses the wall's query string. Never throws: bad values are replaced by defaults and reported. */
export function parseWallParams(search: string | URLSearchParams): WallParams {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const warnings: string[] = [];

  function read<K extends keyof typeof checks, T>(key: K, check: Check<T>): T | null {
    const raw = q.get(key);
    if (raw === null || raw.trim() === '') return null;
    const value = check(raw.trim());
    if (value !== null) return value;
    warnings.push(`${key}=${raw.slice(0, 40)} ignoriert (erwartet: ${RULES[key]})`);
    return null;
  }

  const speed = read('speed', checks.speed) ?? 1;
  const interval = read('interval', checks.interval) ?? DEFAULT_INTERVAL_S;
  const poll = read('poll', checks.poll) ?? DEFAULT_POLL_S;
  const tokens = read('pages', checks.pages);

  return {
    region: read('region', checks.region),
    year: read('year', checks.year),
    intervalMs: Math.round((interval * 1000) / speed),
    pages: tokens === null || tokens.includes('all') ? { kind: 'all' } : { kind: 'list', tokens },
    theme: read('theme', checks.theme) ?? 'dark',
    pollMs: Math.round((poll * 1000) / speed),
    speed,
    warnings,
  };
}

export type WallPage =
  | { kind: 'overview'; key: 'overview' }
  /** Part `part` (0-based) of `parts` plan pages; key 'plan', or 'plan:1', 'plan:2', … when split. */
  | { kind: 'plan'; key: string; part: number; parts: number }
  | { kind: 'goal'; key: string; goalId: string };

/** Plan tiles on one page at most: three rows of three stay readable from three metres. */
export const PLAN_TILES_PER_PAGE = 9;

/** The plan pages for `count` plan goals: as few as hold them, filled evenly (11 → 6 + 5). */
export function planPages(count: number): WallPage[] {
  const parts = Math.ceil(count / PLAN_TILES_PER_PAGE);
  return Array.from({ length: parts }, (_, part) => ({
    kind: 'plan' as const,
    key: parts === 1 ? 'plan' : `plan:${part + 1}`,
    part,
    parts,
  }));
}

/** The plan goals of one plan page: an even split, the first pages one larger (11 → 6 + 5). */
export function planGoalsOfPart<T>(goals: readonly T[], part: number, parts: number): T[] {
  const base = Math.floor(goals.length / Math.max(1, parts));
  const extra = goals.length % Math.max(1, parts);
  const start = part * base + Math.min(part, extra);
  return goals.slice(start, start + base + (part < extra ? 1 : 0));
}

/**
 * The pages to rotate through, given the Tabelle 3 goal ids the server knows and how many plan
 * goals it has (after the overview, on as many pages as they need: planPages). Unknown goal ids
 * are dropped and reported; when nothing is left the overview is shown, so a TV never goes blank.
 */
export function resolvePages(
  spec: PageSpec,
  goalIds: readonly string[],
  planGoalCount = 0,
): { pages: WallPage[]; unknown: string[] } {
  const overview: WallPage = { kind: 'overview', key: 'overview' };
  const plan = planPages(planGoalCount);
  const goal = (id: string): WallPage => ({ kind: 'goal', key: `goal:${id}`, goalId: id });
  if (spec.kind === 'all') {
    return { pages: [overview, ...plan, ...goalIds.map(goal)], unknown: [] };
  }

  const known = new Set(goalIds);
  const pages: WallPage[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const token of spec.tokens) {
    if (seen.has(token)) continue;
    seen.add(token);
    if (token === 'overview') pages.push(overview);
    else if (token === 'plan' && plan.length > 0) pages.push(...plan);
    else if (known.has(token)) pages.push(goal(token));
    else unknown.push(token);
  }
  return { pages: pages.length > 0 ? pages : [overview], unknown };
}
