/**
 * One region's observations turned into domain series, loaded once per data version: every
 * indicator and gender in one query, indexed by indicator and gender.
 */

import type { ObservationRow } from '../db/repositories/observations.js';
import { monthIndex } from '../domain/months.js';
import type { Gender, Month, Obs, Series, SeriesLookup } from '../domain/types.js';

/** Base counts that must all be present (total) for a month to count as a data month. */
export const DATA_MONTH_CODES = ['INT', 'ELB', 'LZB'] as const;

const EMPTY: Series = new Map();

export interface RegionSeries {
  lookup: SeriesLookup;
  /** Data months (INT, ELB and LZB total all present), ascending. */
  dataMonths: Month[];
  latestDataMonth: Month | null;
  /** Latest `loaded_at` of the region's observations (ISO-8601), null without data. */
  loadedAt: string | null;
  /** Every month that has any observation, ascending. */
  months: Month[];
}

function key(code: string, gender: Gender): string {
  return `${code}|${gender}`;
}

export function buildRegionSeries(rows: readonly ObservationRow[]): RegionSeries {
  const byKey = new Map<string, Map<Month, Obs>>();
  const allMonths = new Set<Month>();
  let loadedAt: string | null = null;
  for (const r of rows) {
    const k = key(r.indicator_code, r.gender);
    let s = byKey.get(k);
    if (!s) {
      s = new Map();
      byKey.set(k, s);
    }
    s.set(r.month, { value: r.value, flag: r.flag, revised: r.revision_count > 0 });
    allMonths.add(r.month);
    if (loadedAt === null || r.loaded_at > loadedAt) loadedAt = r.loaded_at;
  }
  const months = [...allMonths].sort((a, b) => monthIndex(a) - monthIndex(b));
  const totals = DATA_MONTH_CODES.map((c) => byKey.get(key(c, 'total')) ?? EMPTY);
  const dataMonths = months.filter((m) => totals.every((s) => s.has(m)));
  return {
    lookup: (code, gender) => byKey.get(key(code, gender)) ?? EMPTY,
    dataMonths,
    latestDataMonth: dataMonths.at(-1) ?? null,
    loadedAt,
    months,
  };
}
