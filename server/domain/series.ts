/** Building a SeriesLookup from flat observation rows (as loaded from the DB or a file). */
import type { Gender, Month, Obs, Series, SeriesLookup, ValueFlag } from './types.js';

export interface ObservationRow {
  indicator: string;
  gender: Gender;
  month: Month;
  value: number | null;
  flag: ValueFlag | null;
  revised?: boolean;
  provisional?: boolean;
}

const EMPTY: Series = new Map();

/**
 * Indexes rows by indicator and gender. A later row for the same key and month replaces an
 * earlier one. Unknown series are empty (every month counts as missing).
 */
export function buildSeriesLookup(rows: Iterable<ObservationRow>): SeriesLookup {
  const index = new Map<string, Map<Month, Obs>>();
  for (const r of rows) {
    const key = `${r.indicator}|${r.gender}`;
    let s = index.get(key);
    if (!s) {
      s = new Map();
      index.set(key, s);
    }
    const obs: Obs = { value: r.value, flag: r.flag };
    if (r.revised) obs.revised = true;
    if (r.provisional) obs.provisional = true;
    s.set(r.month, obs);
  }
  return (indicator, gender) => index.get(`${indicator}|${gender}`) ?? EMPTY;
}
