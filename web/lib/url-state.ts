/**
 * Shareable URL state: region, year, month, gender and the table filters live in the query string.
 * Every parameter is untrusted input (a bookmark, a pasted link): each is validated on its own (a
 * pattern or a closed set of values), and a bad one falls back to its default instead of breaking
 * the page (web/lib/param-checks.ts).
 */
import { REGION_ID_RE } from '../../core/region-id';
import { type Check, matching, oneOf } from './param-checks';

export type Gender = 'total' | 'female' | 'male';
export const GENDER_ORDER: readonly Gender[] = ['female', 'male', 'total'];

const monthCheck = matching(/^\d{4}-(0[1-9]|1[0-2])$/);
const yearCheck: Check<number> = (raw) => (/^\d{4}$/.test(raw) ? Number(raw) : null);
const regionCheck = matching(REGION_ID_RE);
const genderCheck = oneOf<Gender>(['total', 'female', 'male']);

function parseWith<T>(check: Check<T>, raw: string | null): T | null {
  if (raw === null || raw === '') return null;
  return check(raw);
}

/** The state every dashboard page shares. `null` means "the server's default". */
export interface CommonState {
  region: string | null;
  year: number | null;
  month: string | null;
}

export function parseCommon(params: URLSearchParams): CommonState {
  const month = parseWith(monthCheck, params.get('month'));
  let year = parseWith(yearCheck, params.get('year'));
  // A month outside the chosen year contradicts it: the month wins, it is the more specific one.
  if (month !== null && year !== null && Number(month.slice(0, 4)) !== year) year = Number(month.slice(0, 4));
  return { region: parseWith(regionCheck, params.get('region')), year, month };
}

export function parseGender(raw: string | null): Gender | null {
  return parseWith(genderCheck, raw);
}

/** The query for the goal endpoints: only the parameters that are set. */
export function goalQuery(s: CommonState): { region?: string; year?: string; month?: string } {
  const q: { region?: string; year?: string; month?: string } = {};
  if (s.region !== null) q.region = s.region;
  if (s.year !== null) q.year = String(s.year);
  if (s.month !== null) q.month = s.month;
  return q;
}

/**
 * The query of the overview's sparklines: the goals answer's own region and year, up to its data
 * month. Taken from the answer alone, not from the page's state: while a newly chosen region's
 * goals load, the overview still shows the previous answer, and its cards must keep that answer's
 * series (a key mixing the new region with the old year and month asked for figures no card
 * belonged to). Shared by the overview and the route prefetch (web/App.tsx), so that the
 * prefetched series are the ones the cards ask for.
 */
export function sparklineQuery(goals: { region: { id: string }; year: number; dataMonth: string | null }): {
  region: string;
  year: string;
  month?: string;
} {
  return { ...comparisonQuery(goals), year: String(goals.year) };
}

/**
 * The overview's Vergleichstyp query: the goals answer's region at its data month (from the
 * answer alone, as sparklineQuery). Shared by the overview and the route prefetch.
 */
export function comparisonQuery(goals: { region: { id: string }; dataMonth: string | null }): {
  region: string;
  month?: string;
} {
  const q: { region: string; month?: string } = { region: goals.region.id };
  if (goals.dataMonth) q.month = goals.dataMonth;
  return q;
}

/** Builds a query string from the set values, keeping the order given (stable, shareable URLs). */
export function toSearch(values: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== null && v !== undefined && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Carries region/year/month over to another page's link. */
export function commonSearch(s: CommonState, extra: Record<string, string | null> = {}): string {
  return toSearch({ region: s.region, year: s.year, month: s.month, ...extra });
}

// ---------------------------------------------------------------------------------------------
// Monatswerte table

export const MONTH_COLUMNS = ['month', 'gender', 'int', 'elb', 'lzb', 'k2', 'jfw', 'k3'] as const;
export type MonthColumn = (typeof MONTH_COLUMNS)[number];
export const MONTH_COLUMN_LABEL: Record<MonthColumn, string> = {
  month: 'Monat',
  gender: 'Geschlecht',
  int: 'Integrationen',
  elb: 'eLb',
  lzb: 'LZB',
  k2: 'K2 (12 Monate)',
  jfw: 'JFW',
  // The month's LZB against the same month a year earlier: not the goal's K3 (the change of the
  // year-to-date mean), which the cards show under the same code.
  k3: 'K3 (ggü. Vorjahresmonat)',
};
const columnCheck = oneOf(MONTH_COLUMNS);

export interface SortEntry {
  id: MonthColumn;
  desc: boolean;
}

export interface MonthsTableState {
  from: string | null;
  to: string | null;
  /** Genders shown; all three when the URL names none. */
  genders: Gender[];
  revisedOnly: boolean;
  sort: SortEntry[];
  /** Visible columns in display order; `month` is always visible. */
  columns: MonthColumn[];
  page: number;
}

export const DEFAULT_SORT: SortEntry[] = [
  { id: 'month', desc: true },
  { id: 'gender', desc: false },
];

function parseList<T>(raw: string | null, item: Check<T>): T[] {
  if (!raw) return [];
  const out: T[] = [];
  for (const part of raw.split(',')) {
    const value = item(part.trim());
    if (value !== null && !out.includes(value)) out.push(value);
  }
  return out;
}

export function parseSort(raw: string | null): SortEntry[] {
  if (!raw) return DEFAULT_SORT;
  const out: SortEntry[] = [];
  for (const part of raw.split(',')) {
    const [id, dir] = part.split(':');
    const col = id === undefined ? null : columnCheck(id);
    if (col === null || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) continue;
    if (out.some((s) => s.id === col)) continue;
    out.push({ id: col, desc: dir === 'desc' });
  }
  return out.length ? out : DEFAULT_SORT;
}

export function serializeSort(sort: readonly SortEntry[]): string {
  return sort.map((s) => `${s.id}:${s.desc ? 'desc' : 'asc'}`).join(',');
}

export function parseMonthsTable(params: URLSearchParams): MonthsTableState {
  let from = parseWith(monthCheck, params.get('from'));
  let to = parseWith(monthCheck, params.get('to'));
  if (from !== null && to !== null && from > to) [from, to] = [to, from];
  const genders = parseList(params.get('gender'), genderCheck);
  const cols = parseList(params.get('cols'), columnCheck);
  const pageRaw = Number(params.get('page'));
  return {
    from,
    to,
    genders: genders.length ? GENDER_ORDER.filter((g) => genders.includes(g)) : [...GENDER_ORDER],
    revisedOnly: params.get('revised') === '1',
    sort: parseSort(params.get('sort')),
    columns: cols.length
      ? MONTH_COLUMNS.filter((c) => c === 'month' || cols.includes(c))
      : [...MONTH_COLUMNS],
    page: Number.isInteger(pageRaw) && pageRaw >= 1 ? pageRaw : 1,
  };
}

/** The query string of the Monatswerte page: defaults are left out so URLs stay short. */
export function monthsTableSearch(region: string | null, s: MonthsTableState): string {
  const allGenders = s.genders.length === GENDER_ORDER.length;
  const allColumns = s.columns.length === MONTH_COLUMNS.length;
  const sort = serializeSort(s.sort);
  return toSearch({
    region,
    from: s.from,
    to: s.to,
    gender: allGenders ? null : s.genders.join(','),
    revised: s.revisedOnly ? '1' : null,
    sort: sort === serializeSort(DEFAULT_SORT) ? null : sort,
    cols: allColumns ? null : s.columns.join(','),
    page: s.page > 1 ? s.page : null,
  });
}

/** The Monatswerte link for one month (and gender) — where a click on a chart point leads. */
export function monthsLinkFor(region: string | null, month: string, gender: Gender | null): string {
  return `/monate${toSearch({ region, from: month, to: month, gender })}`;
}

export const MONTHS_PAGE_SIZE = 200;

/**
 * The server parameters of GET /api/months for the table state: the same filters and sort drive
 * the table and the export, so an export holds exactly the rows in view. (Column visibility is
 * applied in the browser, so toggling a column does not refetch; the export gets `columns`.)
 */
export interface MonthsServerQuery {
  region?: string;
  from?: string;
  to?: string;
  gender: string;
  revised?: 'true';
  sort: string;
  page: string;
  pageSize: string;
}

export function monthsServerQuery(
  region: string | null,
  s: MonthsTableState,
  pageSize = MONTHS_PAGE_SIZE,
): MonthsServerQuery {
  const q: MonthsServerQuery = { gender: '', sort: '', page: '1', pageSize: String(pageSize) };
  if (region !== null) q.region = region;
  if (s.from !== null) q.from = s.from;
  if (s.to !== null) q.to = s.to;
  q.gender = s.genders.join(',');
  if (s.revisedOnly) q.revised = 'true';
  q.sort = serializeSort(s.sort);
  q.page = String(s.page);
  return q;
}

/**
 * The export URL: the table's filters, sort and visible columns, without paging (the export holds
 * every filtered row; the table shows them all unless there are more than a page).
 */
export function monthsExportUrl(region: string | null, s: MonthsTableState, format: 'csv' | 'xlsx'): string {
  const { page: _page, pageSize: _size, ...q } = monthsServerQuery(region, s);
  return `/api/months${toSearch({ ...q, columns: s.columns.join(','), format })}`;
}
