/**
 * The year-end forecast "yoy3": the last three months against last year, carried to December.
 *
 * Origin: data month m of year t. For each base series X of the goal (INT and ELB for K2, LZB for
 * K3) the recent year-on-year ratio r_X = Σ X_t(j) / Σ X_{t-1}(j) over the months j = m-2 .. m of
 * year t that have numbers in both years (at the start of a year fewer: only January at m = 1). A
 * later month k of year t is forecast as X̂_t(k) = X_{t-1}(k) × r_X. The forecast December value
 * is then the tracked quantity computed by the same kennzahlen functions as the actuals, over a
 * lookup that holds the actuals up to m and the forecast after it: for K2 JFW_t(12) (INT Jan..Dec
 * over the mean ELB Dec(t-1)..Nov(t)), for K3 the mean LZB of Jan..Dec.
 *
 * Deliberately simple and explainable; see docs/decisions/012-forecast-yoy3-backtest.md. Pure.
 */
import { formatMonth } from '../../core/format.js';
import {
  addMonths,
  fromMonthIndex,
  makeMonth,
  monthIndex,
  monthOfYear,
  monthRange,
  yearOf,
} from '../../core/months.js';
import { GENDER_TEXT, MISSING_REASON_TEXT } from '../../core/vocabulary.js';
import { relativeChangeOf, type SeriesRef } from './kennzahlen.js';
import { goalQuantity, type QuantitySpec } from './quantity.js';
import type { Gender, MissingPoint, Month, Obs, Series, SeriesLookup } from './types.js';

export const FORECAST_METHOD = 'yoy3';

/** The point forecast of a goal's December value as of one data month. */
export interface PointForecast {
  /** Forecast December value of year t (JFW_t(12) or mean LZB Jan..Dec); null when not possible. */
  value: number | null;
  /** 100 × (value / last year's December value − 1). */
  changePct: number | null;
  /** Last year's December value (JFW_{t-1}(12) or mean LZB_{t-1}(Jan..Dec)). */
  previousValue: number | null;
  /** The months the ratios were taken over (in year t). */
  basisMonths: Month[];
  /** r_X per base code, e.g. { INT: 1.04, ELB: 0.99 }. */
  ratios: Record<string, number>;
  /** German: why there is no forecast, or which month the basis had to leave out; null otherwise. */
  reason: string | null;
  /** Actuals up to the data month, the forecast after it (null without a forecast). */
  lookup: SeriesLookup | null;
}

/**
 * A series that answers the months `from`..`to` with last year's value × `ratio` and every other
 * month with the base series. A marker or gap last year stays one (it is named in the reason).
 */
class ForecastSeries implements ReadonlyMap<Month, Obs> {
  readonly #from: number;
  readonly #to: number;

  constructor(
    private readonly base: Series,
    from: Month,
    to: Month,
    private readonly ratio: number,
  ) {
    this.#from = monthIndex(from);
    this.#to = monthIndex(to);
  }

  #forecasts(month: Month): boolean {
    const i = monthIndex(month);
    return i >= this.#from && i <= this.#to;
  }

  get(month: Month): Obs | undefined {
    if (!this.#forecasts(month)) return this.base.get(month);
    const last = this.base.get(addMonths(month, -12));
    if (last === undefined) return undefined;
    if (last.value === null) return { value: null, flag: last.flag };
    return { value: last.value * this.ratio, flag: null };
  }

  has(month: Month): boolean {
    return this.get(month) !== undefined;
  }

  #all(): Map<Month, Obs> {
    const out = new Map<Month, Obs>();
    for (const [month, obs] of this.base) if (!this.#forecasts(month)) out.set(month, obs);
    for (let i = this.#from; i <= this.#to; i++) {
      const month = fromMonthIndex(i);
      const obs = this.get(month);
      if (obs !== undefined) out.set(month, obs);
    }
    return out;
  }

  get size(): number {
    return this.#all().size;
  }
  entries(): MapIterator<[Month, Obs]> {
    return this.#all().entries();
  }
  keys(): MapIterator<Month> {
    return this.#all().keys();
  }
  values(): MapIterator<Obs> {
    return this.#all().values();
  }
  [Symbol.iterator](): MapIterator<[Month, Obs]> {
    return this.entries();
  }
  forEach(fn: (value: Obs, key: Month, map: ReadonlyMap<Month, Obs>) => void, thisArg?: unknown): void {
    for (const [month, obs] of this.#all()) fn.call(thisArg, obs, month, this);
  }
}

function numberAt(series: Series, month: Month): number | null {
  const v = series.get(month)?.value;
  return v === undefined || v === null || !Number.isFinite(v) ? null : v;
}

function describe(ref: Pick<SeriesRef, 'indicator' | 'gender'>): string {
  return `${ref.indicator} ${GENDER_TEXT[ref.gender as Gender]}`;
}

/** The basis months of the window j = max(Jan, m−2) .. m with numbers in both years for every input. */
function basisOf(inputs: readonly SeriesRef[], m: Month): { months: Month[]; skipped: string[] } {
  const from =
    monthIndex(m) - 2 < monthIndex(makeMonth(yearOf(m), 1)) ? makeMonth(yearOf(m), 1) : addMonths(m, -2);
  const months: Month[] = [];
  const skipped: string[] = [];
  for (const j of monthRange(from, m)) {
    const gap = inputs.find(
      (ref) => numberAt(ref.series, j) === null || numberAt(ref.series, addMonths(j, -12)) === null,
    );
    if (gap === undefined) months.push(j);
    else {
      const at = numberAt(gap.series, j) === null ? j : addMonths(j, -12);
      const obs = gap.series.get(at);
      const why = obs === undefined ? MISSING_REASON_TEXT.missing : MISSING_REASON_TEXT[flagReason(obs.flag)];
      skipped.push(`${formatMonth(j)} (${describe(gap)} ${formatMonth(at)}: ${why})`);
    }
  }
  return { months, skipped };
}

function flagReason(flag: Obs['flag']): string {
  return flag === '*' ? 'suppressed' : flag === '-' ? 'no_value' : flag === 'X' ? 'not_possible' : 'missing';
}

/** German text for the inputs a forecast lacked; a forecast month k stands for last year's k−12. */
function missingText(points: readonly MissingPoint[], m: Month): string {
  const parts = points.slice(0, 3).map((p) => {
    const forecastMonth = monthIndex(p.month) > monthIndex(m);
    const month = forecastMonth ? addMonths(p.month, -12) : p.month;
    return `${describe(p)} ${formatMonth(month)}: ${MISSING_REASON_TEXT[p.reason] ?? p.reason}`;
  });
  const more = points.length > 3 ? ` und ${points.length - 3} weitere` : '';
  return `Keine Prognose: ${parts.join('; ')}${more}.`;
}

function none(previousValue: number | null, basisMonths: Month[], reason: string): PointForecast {
  return { value: null, changePct: null, previousValue, basisMonths, ratios: {}, reason, lookup: null };
}

/**
 * The yoy3 forecast of December of year(m), as of data month m. In December the "forecast" is
 * the actual year-end value (no month left to forecast).
 */
export function pointForecast(spec: QuantitySpec, lookup: SeriesLookup, m: Month): PointForecast {
  const year = yearOf(m);
  const december = makeMonth(year, 12);
  const actual = goalQuantity(spec, lookup);
  const prev = actual.ytd(addMonths(december, -12));
  const previousValue = prev.value;
  const { months: basisMonths, skipped } = basisOf(actual.inputs, m);
  const skippedText = skipped.length > 0 ? `Basis ohne ${skipped.join(', ')}.` : null;
  if (basisMonths.length === 0) {
    return none(
      previousValue,
      [],
      `Keine Prognose: kein Monat der Basis hat Werte in beiden Jahren. ${skippedText ?? ''}`.trim(),
    );
  }
  const ratios: Record<string, number> = {};
  const overrides = new Map<string, Series>();
  for (const ref of actual.inputs) {
    let cur = 0;
    let last = 0;
    for (const j of basisMonths) {
      cur += numberAt(ref.series, j) ?? 0;
      last += numberAt(ref.series, addMonths(j, -12)) ?? 0;
    }
    if (last === 0)
      return none(previousValue, basisMonths, `Keine Prognose: ${describe(ref)} war im Vorjahr 0.`);
    ratios[ref.indicator] = cur / last;
    if (monthOfYear(m) < 12) {
      overrides.set(ref.indicator, new ForecastSeries(ref.series, addMonths(m, 1), december, cur / last));
    }
  }
  const forecastLookup: SeriesLookup = (code, gender) =>
    (gender === spec.gender ? overrides.get(code) : undefined) ?? lookup(code, gender);
  const cur = goalQuantity(spec, forecastLookup).ytd(december);
  if (cur.value === null) {
    return { ...none(previousValue, basisMonths, missingText(cur.missing, m)), ratios };
  }
  if (previousValue === null || previousValue === 0) {
    const why =
      previousValue === null ? missingText(prev.missing, m) : 'Keine Prognose: Vorjahreswert ist 0.';
    return { ...none(previousValue, basisMonths, why), ratios };
  }
  return {
    value: cur.value,
    changePct: relativeChangeOf(cur.value, previousValue),
    previousValue,
    basisMonths,
    ratios,
    reason: skippedText,
    lookup: forecastLookup,
  };
}

/** The forecast path: the tracked value of every month from m to December over the forecast lookup. */
export function forecastPath(spec: QuantitySpec, forecast: PointForecast, m: Month): Map<Month, number> {
  const out = new Map<Month, number>();
  if (forecast.lookup === null) return out;
  const q = goalQuantity(spec, forecast.lookup);
  for (const k of monthRange(m, makeMonth(yearOf(m), 12))) {
    const v = q.ytd(k).value;
    if (v !== null) out.set(k, v);
  }
  return out;
}
