/** Small hand-written series for the domain tests. */
import { addMonths, month as M } from '../../core/months.js';
import type { Gender, Month, Obs, Series, SeriesLookup, ValueFlag } from '../../server/domain/types.js';

/** A number, a BA marker, or `null` for "month absent from the series". */
export type Cell = number | ValueFlag | null;

/** A series from consecutive months starting at `from`; `revised` lists months changed by an import. */
export function series(from: Month, cells: readonly Cell[], revised: readonly Month[] = []): Map<Month, Obs> {
  const map = new Map<Month, Obs>();
  cells.forEach((cell, i) => {
    const month = addMonths(from, i);
    if (cell === null) return;
    const obs: Obs = typeof cell === 'number' ? { value: cell, flag: null } : { value: null, flag: cell };
    if (revised.includes(month)) obs.revised = true;
    map.set(month, obs);
  });
  return map;
}

/** A lookup over `{ [indicator]: { [gender]: Series } }`; unknown series are empty (all months missing). */
export function lookupOf(data: Record<string, Partial<Record<Gender, Series>>>): SeriesLookup {
  return (indicator, gender) => data[indicator]?.[gender] ?? new Map();
}

/** Replaces one month of a series (returns a copy). */
export function withCell(s: Series, month: Month, cell: Cell, revised = false): Map<Month, Obs> {
  const copy = new Map(s);
  if (cell === null) copy.delete(month);
  else
    copy.set(
      month,
      typeof cell === 'number' ? { value: cell, flag: null, revised } : { value: null, flag: cell, revised },
    );
  return copy;
}

// The fixture Jobcenter: figures for women, December 2022 .. September 2024.
// INT: integrations per month.
export const INT_2023 = [25, 28, 35, 33, 30, 27, 26, 29, 34, 31, 27, 18] as const;
export const INT_2024 = [26, 30, 36, 35, 31, 28, 27, 30, 36] as const;
// ELB: stock of employable recipients (December 2022 first: the JFW denominator of January 2023).
export const ELB_DEC_2022 = 1480;
export const ELB_2023 = [1500, 1510, 1520, 1515, 1505, 1500, 1495, 1490, 1500, 1505, 1510, 1500] as const;
export const ELB_2024 = [1520, 1530, 1540, 1535, 1525, 1520, 1515, 1510, 1520] as const;
// LZB: stock of long-term recipients.
export const LZB_2023 = [900, 905, 910, 915, 920, 925, 930, 935, 940, 945, 950, 955] as const;
export const LZB_2024 = [960, 966, 972, 978, 984, 990, 996, 1002, 1008] as const;

export function fixtureSeries() {
  return {
    INT: series(M('2022-12'), [20, ...INT_2023, ...INT_2024]),
    ELB: series(M('2022-12'), [ELB_DEC_2022, ...ELB_2023, ...ELB_2024]),
    LZB: series(M('2023-01'), [...LZB_2023, ...LZB_2024]),
  };
}
