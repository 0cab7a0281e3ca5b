/**
 * One region's observations turned into domain series, loaded once per data version: every
 * indicator and gender in one query, indexed by indicator and gender.
 */
import type { RegionObservations } from '../db/repositories/observations.js';
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

export function buildRegionSeries(data: RegionObservations): RegionSeries {
  const byKey = new Map<string, Map<Month, Obs>>();
  const allMonths = new Set<Month>();
  for (const s of data.series) {
    const map = new Map<Month, Obs>();
    for (let i = 0; i < s.months.length; i++) {
      const month = s.months[i];
      if (month === undefined) continue;
      map.set(month, {
        value: s.values[i] ?? null,
        flag: s.flags[i] ?? null,
        revised: (s.revisionCounts[i] ?? 0) > 0,
      });
      allMonths.add(month);
    }
    byKey.set(key(s.indicator, s.gender), map);
  }
  // 'YYYY-MM' sorts as text in calendar order.
  const months = [...allMonths].sort();
  const totals = DATA_MONTH_CODES.map((c) => byKey.get(key(c, 'total')) ?? EMPTY);
  const dataMonths = months.filter((m) => totals.every((s) => s.has(m)));
  return {
    lookup: (code, gender) => byKey.get(key(code, gender)) ?? EMPTY,
    dataMonths,
    latestDataMonth: dataMonths.at(-1) ?? null,
    loadedAt: data.loadedAt,
    months,
  };
}
