/**
 * The Kennzahlen nach § 48a SGB II computed from base counts: the 12-month rate (K2), its
 * year-to-date value (Jahresfortschrittswert, JFW), the year-to-date mean of a stock and the
 * change of a stock against the same month a year earlier (K3).
 *
 * Everything here is generic over the indicator codes: a `rate` indicator names its numerator
 * (e.g. INT) and denominator (e.g. ELB), a `stock` indicator its stock (e.g. LZB). Pure functions,
 * no I/O.
 *
 * A value is computed only from complete inputs: when any input month is absent or carries a BA
 * marker instead of a number, the result is `null` together with the list of those months, so the
 * UI can say which month is missing and why.
 */
import { addMonths, makeMonth, monthRange, yearOf } from '../../core/months.js';
import type {
  Computed,
  Gender,
  MissingPoint,
  MissingReason,
  Month,
  Series,
  SeriesLookup,
  ValueFlag,
} from './types.js';

/** A series together with what it is: the series itself does not know its indicator or gender. */
export interface SeriesRef {
  indicator: string;
  gender: Gender;
  series: Series;
}

/** Looks up the series of `indicator` for `gender` and labels it. */
export function seriesRef(lookup: SeriesLookup, indicator: string, gender: Gender): SeriesRef {
  return { indicator, gender, series: lookup(indicator, gender) };
}

const FLAG_REASON: Record<ValueFlag, MissingReason> = {
  '*': 'suppressed',
  '-': 'no_value',
  X: 'not_possible',
};

/** The numbers of `ref` for `months`, or the list of months that have none (and why). */
function valuesOf(ref: SeriesRef, months: readonly Month[]): { values: number[]; missing: MissingPoint[] } {
  const values: number[] = [];
  const missing: MissingPoint[] = [];
  for (const month of months) {
    const obs = ref.series.get(month);
    if (obs === undefined) {
      missing.push({ indicator: ref.indicator, gender: ref.gender, month, reason: 'missing' });
    } else if (obs.value === null || !Number.isFinite(obs.value)) {
      // A stored NULL always carries its marker (DB constraint); without one it is plainly missing.
      const reason = obs.flag === null ? 'missing' : FLAG_REASON[obs.flag];
      missing.push({ indicator: ref.indicator, gender: ref.gender, month, reason });
    } else {
      values.push(obs.value);
    }
  }
  return { values, missing };
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** The value of `ref` in `month`. */
export function valueAt(ref: SeriesRef, month: Month): Computed {
  const { values, missing } = valuesOf(ref, [month]);
  return missing.length > 0 ? { value: null, missing } : { value: values[0] ?? null, missing: [] };
}

/** Σ ref(months). */
export function sumOver(ref: SeriesRef, months: readonly Month[]): Computed {
  const { values, missing } = valuesOf(ref, months);
  return missing.length > 0 ? { value: null, missing } : { value: sum(values), missing: [] };
}

/** mean ref(months) (arithmetic mean, every month weighs the same). */
export function meanOver(ref: SeriesRef, months: readonly Month[]): Computed {
  if (months.length === 0) throw new RangeError('meanOver: no months');
  const { values, missing } = valuesOf(ref, months);
  return missing.length > 0 ? { value: null, missing } : { value: sum(values) / months.length, missing: [] };
}

/**
 * 100 × Σ num(numMonths) / mean den(denMonths). A zero denominator yields null with a
 * `zero_denominator` point naming the denominator and the month the rate is computed for.
 */
export function rateOver(
  num: SeriesRef,
  den: SeriesRef,
  numMonths: readonly Month[],
  denMonths: readonly Month[],
  forMonth: Month,
): Computed {
  const n = valuesOf(num, numMonths);
  const d = valuesOf(den, denMonths);
  const missing = [...n.missing, ...d.missing];
  if (missing.length > 0) return { value: null, missing };
  const meanDen = sum(d.values) / denMonths.length;
  if (meanDen === 0) {
    return {
      value: null,
      missing: [
        { indicator: den.indicator, gender: den.gender, month: forMonth, reason: 'zero_denominator' },
      ],
    };
  }
  // Multiply before dividing: 100 × Σ / mean keeps integer inputs exact as long as possible.
  return { value: (100 * sum(n.values)) / meanDen, missing: [] };
}

/**
 * The 12-month rate (K2) of month m: 100 × Σ num(m-11 .. m) / mean den(m-12 .. m-1).
 * The denominator lags the numerator by one month, as the BA defines it.
 */
export function rateTwelveMonth(num: SeriesRef, den: SeriesRef, m: Month): Computed {
  return rateOver(
    num,
    den,
    monthRange(addMonths(m, -11), m),
    monthRange(addMonths(m, -12), addMonths(m, -1)),
    m,
  );
}

/**
 * The Jahresfortschrittswert of month m in year t:
 * JFW_t(m) = 100 × Σ num(Jan .. m of t) / mean den(Dec of t-1 .. m-1).
 * Cumulative, not annualised: about 2 % in January, the full annual rate in December.
 */
export function rateYearToDate(num: SeriesRef, den: SeriesRef, m: Month): Computed {
  const january = makeMonth(yearOf(m), 1);
  return rateOver(num, den, monthRange(january, m), monthRange(addMonths(january, -1), addMonths(m, -1)), m);
}

/** mean stock(Jan .. m of year(m)): the quantity the K3 target is set on. */
export function stockYearToDateMean(stock: SeriesRef, m: Month): Computed {
  return meanOver(stock, monthRange(makeMonth(yearOf(m), 1), m));
}

/** K3(m) = 100 × (stock(m) / stock(m-12) − 1): the stock against the same month a year earlier. */
export function stockChange(stock: SeriesRef, m: Month): Computed {
  const prevMonth = addMonths(m, -12);
  const { values, missing } = valuesOf(stock, [prevMonth, m]);
  if (missing.length > 0) return { value: null, missing };
  const [prev, cur] = values as [number, number];
  if (prev === 0) {
    return {
      value: null,
      missing: [
        { indicator: stock.indicator, gender: stock.gender, month: prevMonth, reason: 'zero_denominator' },
      ],
    };
  }
  return { value: relativeChangeOf(cur, prev), missing: [] };
}

/**
 * 100 × (current / previous − 1), written as 100 × (current − previous) / previous: the
 * subtraction of two close ratios loses digits, the subtraction of the inputs does not.
 */
export function relativeChangeOf(current: number, previous: number): number {
  return (100 * (current - previous)) / previous;
}

/** Concatenates missing-point lists, dropping duplicates (same indicator, gender, month, reason). */
export function mergeMissing(...lists: readonly (readonly MissingPoint[])[]): MissingPoint[] {
  const seen = new Set<string>();
  const out: MissingPoint[] = [];
  for (const list of lists) {
    for (const p of list) {
      const key = `${p.indicator}|${p.gender}|${p.month}|${p.reason}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(p);
      }
    }
  }
  return out;
}
