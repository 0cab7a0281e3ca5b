/**
 * The forecast's own history (backtest): for every region, every past year whose December and
 * previous year are loaded, and every origin month m = 1..11, the yoy3 forecast as of m against
 * the actual December change. The errors e = actual − forecast, pooled per indicator, gender and
 * origin month, give the 80 % interval (forecast + q10(e) .. forecast + q90(e)) and the
 * probability of meeting the target (the share of e for which forecast + e meets it).
 *
 * A goal's interval for year t is built from the errors of every *other* year: a year in progress
 * has no errors of its own anyway, and a past year is then judged only by the history it did not
 * produce. Errors of one year share that year's effect, so an interval needs errors from
 * MIN_YEARS distinct years besides MIN_ERRORS cases. The report gives two coverages: each case
 * judged by the interval from all *other* cases (leave one out; checkable with a single complete
 * year, optimistic when years differ) and by the interval from the *other years* (leave one year
 * out: what a goal shows).
 * See docs/decisions/012-forecast-yoy3-backtest.md. Pure.
 */
import { makeMonth } from '../../core/months.js';
import { pointForecast } from './forecast.js';
import { goalQuantity, type QuantitySpec, ytdChange } from './quantity.js';
import { goalStatus } from './status.js';
import type { Better, Gender, SeriesLookup } from './types.js';

/** Fewer pooled errors than this: no interval and no probability ("zu wenig Historie"). */
export const MIN_ERRORS = 10;
/**
 * Errors from fewer distinct years than this: no interval and no probability either. The errors
 * of one year share that year's effect (all regions had the same economy), so the number of years,
 * not of cases, is what the interval learns from; see docs/decisions/016-forecast-interval-years.md.
 */
export const MIN_YEARS = 3;
/** Origin months of the backtest: in December the year is decided. */
export const ORIGIN_MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;

/** One backtest case: the forecast as of month `originMonth` of `year` against the actual. */
export interface BacktestCase {
  region: string;
  year: number;
  originMonth: number;
  indicator: string;
  gender: Gender;
  /** The actual December change of `year`. */
  actualPct: number;
  /** The yoy3 forecast change as of the origin month. */
  forecastPct: number;
  /** The naive baseline: the year-to-date change at the origin month persists to December. */
  naivePct: number;
}

/**
 * The quantile p of ascending `sorted` with linear interpolation between order statistics
 * (numpy's default, "type 7"): h = (n − 1) × p, x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('quantile: no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must lie in [0, 1] (got ${p})`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? a;
  return a + (h - lo) * (b - a);
}

/** `quantile` of ascending `sorted` without its element at index `skip` (no copy). */
export function quantileWithout(sorted: readonly number[], p: number, skip: number): number {
  const n = sorted.length - 1;
  if (n <= 0) throw new RangeError('quantile: no values');
  const at = (i: number) => sorted[i < skip ? i : i + 1] ?? Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = at(lo);
  const b = at(Math.min(lo + 1, n - 1));
  return a + (h - lo) * (b - a);
}

/** The index of `value` in ascending `sorted` (it must be there). */
function indexOf(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? Number.NaN) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every backtest case of one region, for the goals `specs` and the candidate `years`. */
export function backtestRegion(
  region: string,
  specs: readonly QuantitySpec[],
  lookup: SeriesLookup,
  years: readonly number[],
): BacktestCase[] {
  const out: BacktestCase[] = [];
  for (const spec of specs) {
    const q = goalQuantity(spec, lookup);
    for (const year of years) {
      const actualPct = ytdChange(q, makeMonth(year, 12));
      if (actualPct === null) continue;
      for (const m of ORIGIN_MONTHS) {
        const origin = makeMonth(year, m);
        const naivePct = ytdChange(q, origin);
        const forecastPct = naivePct === null ? null : pointForecast(spec, lookup, origin).changePct;
        if (naivePct === null || forecastPct === null) continue;
        const { indicator, gender } = { indicator: spec.indicator.code, gender: spec.gender };
        out.push({ region, year, originMonth: m, indicator, gender, actualPct, forecastPct, naivePct });
      }
    }
  }
  return out;
}

/** Pooled errors (ascending) and the number of distinct years they come from. */
export interface PooledErrors {
  errors: readonly number[];
  years: number;
}

/** The pooled errors of a key, ascending; `excludeYear` leaves that year's cases out. */
export interface ErrorPool {
  errors(indicator: string, gender: Gender, originMonth: number, excludeYear?: number): readonly number[];
  /** The errors with the number of distinct years among them (`excludeYear` left out). */
  pooled(indicator: string, gender: Gender, originMonth: number, excludeYear?: number): PooledErrors;
}

/** A pool that also keeps its cases (for the report: forecast, naive baseline, region). */
export interface CasePool extends ErrorPool {
  cases(indicator: string, gender: Gender, originMonth: number): readonly BacktestCase[];
}

const poolKey = (indicator: string, gender: Gender, originMonth: number) =>
  `${indicator}|${gender}|${originMonth}`;

/**
 * Sorted errors and their count of distinct years, memoised per key and excluded year, from
 * `source(key)`: the errors and their years in case order.
 */
function sortedErrors(
  source: (key: string) => { errors: ArrayLike<number>; years: ArrayLike<number> } | undefined,
): ErrorPool['pooled'] {
  const sorted = new Map<string, PooledErrors>();
  return (indicator, gender, originMonth, excludeYear) => {
    const key = poolKey(indicator, gender, originMonth);
    const memoKey = `${key}|${excludeYear ?? ''}`;
    let p = sorted.get(memoKey);
    if (!p) {
      const errors: number[] = [];
      const years = new Set<number>();
      const src = source(key);
      if (src) {
        for (let i = 0; i < src.errors.length; i++) {
          const year = src.years[i] ?? Number.NaN;
          if (year === excludeYear) continue;
          errors.push(src.errors[i] ?? Number.NaN);
          years.add(year);
        }
      }
      errors.sort((a, b) => a - b);
      p = { errors, years: years.size };
      sorted.set(memoKey, p);
    }
    return p;
  };
}

export function errorPool(all: readonly BacktestCase[]): CasePool {
  const byKey = new Map<string, BacktestCase[]>();
  for (const c of all) {
    const key = poolKey(c.indicator, c.gender, c.originMonth);
    const list = byKey.get(key) ?? [];
    list.push(c);
    byKey.set(key, list);
  }
  const pooled = sortedErrors((key) => {
    const list = byKey.get(key);
    if (!list) return undefined;
    return { errors: list.map((c) => c.actualPct - c.forecastPct), years: list.map((c) => c.year) };
  });
  return {
    cases: (indicator, gender, originMonth) => byKey.get(poolKey(indicator, gender, originMonth)) ?? [],
    errors: (...args) => pooled(...args).errors,
    pooled,
  };
}

/** The errors of one key of a pool: each case's error (actual − forecast) and year, in case order. */
export interface PoolErrors {
  indicator: string;
  gender: Gender;
  originMonth: number;
  errors: readonly number[];
  years: readonly number[];
}

/**
 * A pool from its errors alone, kept compactly (8 bytes of error and 2 of year per case, no object
 * per case): what a server holds in memory to build forecast intervals. Its `errors` equal those
 * of `errorPool` over the same cases.
 */
export function errorPoolOf(keys: Iterable<PoolErrors>): ErrorPool {
  const byKey = new Map<string, { errors: Float64Array; years: Int16Array }>();
  for (const k of keys) {
    byKey.set(poolKey(k.indicator, k.gender, k.originMonth), {
      errors: Float64Array.from(k.errors),
      years: Int16Array.from(k.years),
    });
  }
  const pooled = sortedErrors((key) => byKey.get(key));
  return { errors: (...args) => pooled(...args).errors, pooled };
}

export interface IntervalEstimate {
  interval: { lowPct: number; highPct: number } | null;
  /** Share (0..1) of pooled errors e for which forecast + e meets the target. */
  probabilityMet: number | null;
  /** How many errors were pooled. */
  cases: number;
  /** From how many distinct years. */
  years: number;
}

/** True when pooled errors are enough for an interval: MIN_ERRORS cases from MIN_YEARS years. */
export function enoughHistory(p: PooledErrors): boolean {
  return p.errors.length >= MIN_ERRORS && p.years >= MIN_YEARS;
}

/**
 * The 80 % interval and the probability of meeting the target from the pooled errors (ascending);
 * none without enough history (`enoughHistory`).
 */
export function intervalEstimate(
  changePct: number,
  pooled: PooledErrors,
  target: { targetChangePct: number; better: Better },
): IntervalEstimate {
  const { errors, years } = pooled;
  if (!enoughHistory(pooled)) return { interval: null, probabilityMet: null, cases: errors.length, years };
  let met = 0;
  for (const e of errors) {
    if (goalStatus(changePct + e, target.targetChangePct, target.better, 0) === 'met') met++;
  }
  return {
    interval: { lowPct: changePct + quantile(errors, 0.1), highPct: changePct + quantile(errors, 0.9) },
    probabilityMet: met / errors.length,
    cases: errors.length,
    years,
  };
}

/** One origin month of the backtest report. Errors in percentage points of change. */
export interface BacktestRow {
  originMonth: number;
  /** Cases (region-years) with a forecast and an actual. */
  cases: number;
  /** Mean |actual − forecast| of the yoy3 forecast. */
  maeForecast: number | null;
  /** Mean |actual − current change| of the naive "current change persists" baseline. */
  maeNaive: number | null;
  /**
   * Share (0..1) of cases whose actual change lay inside the 80 % interval from every other case
   * (leave one case out); null without intervals. Optimistic when the years differ: a case's own
   * year's other regions share its year's effect.
   */
  coverage: number | null;
  /** Cases that had such an interval (≥ MIN_ERRORS errors of the other cases). */
  covered: number;
  /**
   * Share (0..1) of cases whose actual change lay inside the 80 % interval from the errors of the
   * other years only (leave one year out), the interval a goal actually shows; null when no case
   * had enough history of other years (MIN_ERRORS errors from MIN_YEARS years).
   */
  yearCoverage: number | null;
  /** Cases that had such an interval. */
  yearCovered: number;
}

/** Leave one year out: how many of `cases` had an interval from the other years, how many held. */
function yearCoverageOf(
  pool: CasePool,
  cases: readonly BacktestCase[],
  key: { indicator: string; gender: Gender; originMonth: number },
): { covered: number; inside: number } {
  let covered = 0;
  let inside = 0;
  for (const c of cases) {
    const other = pool.pooled(key.indicator, key.gender, key.originMonth, c.year);
    if (!enoughHistory(other)) continue;
    covered++;
    const low = c.forecastPct + quantile(other.errors, 0.1);
    const high = c.forecastPct + quantile(other.errors, 0.9);
    if (c.actualPct >= low && c.actualPct <= high) inside++;
  }
  return { covered, inside };
}

/**
 * The backtest report of one goal (indicator and gender) by origin month. `only` narrows the cases
 * reported (e.g. to one region); the intervals still come from the whole pool (leave one out).
 */
export function backtestReport(
  pool: CasePool,
  indicator: string,
  gender: Gender,
  only: (c: BacktestCase) => boolean = () => true,
): BacktestRow[] {
  return ORIGIN_MONTHS.map((m) => {
    const cases = pool.cases(indicator, gender, m).filter(only);
    let absF = 0;
    let absN = 0;
    let inside = 0;
    let covered = 0;
    const errors = pool.errors(indicator, gender, m);
    for (const c of cases) {
      const e = c.actualPct - c.forecastPct;
      absF += Math.abs(e);
      absN += Math.abs(c.actualPct - c.naivePct);
      if (errors.length - 1 < MIN_ERRORS) continue;
      // Leave one out: the interval from every other case's error.
      const skip = indexOf(errors, e);
      covered++;
      const low = c.forecastPct + quantileWithout(errors, 0.1, skip);
      const high = c.forecastPct + quantileWithout(errors, 0.9, skip);
      if (c.actualPct >= low && c.actualPct <= high) inside++;
    }
    const n = cases.length;
    const byYear = yearCoverageOf(pool, cases, { indicator, gender, originMonth: m });
    return {
      originMonth: m,
      cases: n,
      maeForecast: n === 0 ? null : absF / n,
      maeNaive: n === 0 ? null : absN / n,
      coverage: covered === 0 ? null : inside / covered,
      covered,
      yearCoverage: byYear.covered === 0 ? null : byYear.inside / byYear.covered,
      yearCovered: byYear.covered,
    };
  });
}
