/**
 * The drill-down table of the Monatswerte page: per month and gender the base counts, the
 * 12-month K2, the JFW and K3, with markers and revision flags; and its filtering, sorting and
 * paging (the same code feeds the JSON pages and the exports, so both show the same rows).
 */
import { rateTwelveMonth, rateYearToDate, seriesRef, stockChange } from '../domain/kennzahlen.js';
import { GENDERS, type Gender, type IndicatorDef, type Month, type ValueFlag } from '../domain/types.js';
import type { RegionSeries } from './region-data.js';

export interface MonthRow {
  month: Month;
  gender: Gender;
  int: number | null;
  elb: number | null;
  lzb: number | null;
  /** 12-month Integrationsquote (K2) in percent. */
  k2: number | null;
  /** Jahresfortschrittswert in percent. */
  jfw: number | null;
  /** K3: change of the LZB stock against the same month a year earlier, in percent. */
  k3: number | null;
  flags: { int: ValueFlag | null; elb: ValueFlag | null; lzb: ValueFlag | null };
  revised: { int: boolean; elb: boolean; lzb: boolean };
  /** Provisional (hochgerechnet) base values; K2/JFW/K3 computed from them are provisional too. */
  provisional: { int: boolean; elb: boolean; lzb: boolean };
}

/** Column keys of the table and its exports, in their default order ('region' is the region's name). */
export const MONTH_COLUMNS = [
  'region',
  'month',
  'gender',
  'int',
  'elb',
  'lzb',
  'k2',
  'jfw',
  'k3',
  'revised',
] as const;
export type MonthColumn = (typeof MONTH_COLUMNS)[number];
/** Every column but the region's name sorts. */
export const SORTABLE_COLUMNS = MONTH_COLUMNS.filter(
  (c): c is Exclude<MonthColumn, 'region'> => c !== 'region',
);

export interface MonthRowCodes {
  int: string;
  elb: string;
  lzb: string;
}

/**
 * The codes behind the table's columns, taken from the K2 (rate) and K3 (stock) indicator rows so
 * that the table reads the same inputs as the goals.
 */
export function monthRowCodes(k2: IndicatorDef | undefined, k3: IndicatorDef | undefined): MonthRowCodes {
  return {
    int: k2?.numeratorCode ?? 'INT',
    elb: k2?.denominatorCode ?? 'ELB',
    lzb: k3?.numeratorCode ?? 'LZB',
  };
}

/** All rows of a region: every month with any base count, for each gender. */
export function computeMonthRows(data: RegionSeries, codes: MonthRowCodes): MonthRow[] {
  const rows: MonthRow[] = [];
  for (const gender of GENDERS) {
    const int = seriesRef(data.lookup, codes.int, gender);
    const elb = seriesRef(data.lookup, codes.elb, gender);
    const lzb = seriesRef(data.lookup, codes.lzb, gender);
    for (const month of data.months) {
      const oi = int.series.get(month);
      const oe = elb.series.get(month);
      const ol = lzb.series.get(month);
      if (oi === undefined && oe === undefined && ol === undefined) continue;
      rows.push({
        month,
        gender,
        int: oi?.value ?? null,
        elb: oe?.value ?? null,
        lzb: ol?.value ?? null,
        k2: rateTwelveMonth(int, elb, month).value,
        jfw: rateYearToDate(int, elb, month).value,
        k3: stockChange(lzb, month).value,
        flags: { int: oi?.flag ?? null, elb: oe?.flag ?? null, lzb: ol?.flag ?? null },
        revised: { int: oi?.revised === true, elb: oe?.revised === true, lzb: ol?.revised === true },
        provisional: {
          int: oi?.provisional === true,
          elb: oe?.provisional === true,
          lzb: ol?.provisional === true,
        },
      });
    }
  }
  return rows;
}

export type SortKey = (typeof SORTABLE_COLUMNS)[number];
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface MonthFilter {
  from?: Month | undefined;
  to?: Month | undefined;
  genders?: readonly Gender[] | undefined;
  revised?: boolean | undefined;
}

const GENDER_RANK: Record<Gender, number> = { total: 0, female: 1, male: 2 };

function isRevised(r: MonthRow): boolean {
  return r.revised.int || r.revised.elb || r.revised.lzb;
}

function sortValue(r: MonthRow, key: SortKey): number | string | null {
  switch (key) {
    case 'month':
      return r.month;
    case 'gender':
      return GENDER_RANK[r.gender];
    case 'revised':
      return isRevised(r) ? 1 : 0;
    default:
      return r[key];
  }
}

/** Filters and sorts rows. Missing values sort last in either direction. */
export function selectMonthRows(
  rows: readonly MonthRow[],
  filter: MonthFilter,
  sort: readonly SortSpec[],
): MonthRow[] {
  const genders = filter.genders && filter.genders.length > 0 ? new Set(filter.genders) : null;
  const out = rows.filter(
    (r) =>
      (filter.from === undefined || r.month >= filter.from) &&
      (filter.to === undefined || r.month <= filter.to) &&
      (genders === null || genders.has(r.gender)) &&
      (filter.revised === undefined || isRevised(r) === filter.revised),
  );
  // A stable tie-break so that pages never overlap: month descending, then gender.
  const specs: SortSpec[] = [...sort, { key: 'month', dir: 'desc' }, { key: 'gender', dir: 'asc' }];
  out.sort((a, b) => {
    for (const { key, dir } of specs) {
      const va = sortValue(a, key);
      const vb = sortValue(b, key);
      if (va === vb) continue;
      if (va === null) return 1;
      if (vb === null) return -1;
      const c = va < vb ? -1 : 1;
      return dir === 'asc' ? c : -c;
    }
    return 0;
  });
  return out;
}
