/**
 * How a goal's indicator is computed from base series: the one place that maps an indicator's
 * formula (rate or stock) to the kennzahlen functions. The goal evaluation, the forecast, the pace
 * and the backtest all read the tracked value through it, so there is no second JFW or K3 formula.
 */
import { addMonths } from '../../core/months.js';
import {
  rateTwelveMonth,
  rateYearToDate,
  relativeChangeOf,
  type SeriesRef,
  seriesRef,
  stockChange,
  stockYearToDateMean,
  valueAt,
} from './kennzahlen.js';
import { relativeChange } from './status.js';
import type { Computed, GoalSpec, Month, SeriesLookup } from './types.js';

/** The part of a goal the maths needs: what is computed, for whom. */
export type QuantitySpec = Pick<GoalSpec, 'id' | 'indicator' | 'gender'>;

export interface GoalQuantity {
  /** The tracked year-to-date value at month m (JFW or mean stock). */
  ytd(m: Month): Computed;
  /** The month's own figure (12-month rate, or the stock) and its change against m−12. */
  monthly(m: Month): { value: number | null; changePct: number | null };
  /** The base series the goal reads: [numerator, denominator] for a rate, [stock] for a stock. */
  inputs: readonly SeriesRef[];
}

function requireCode(code: string | null, spec: QuantitySpec, role: string): string {
  if (code === null || code === '') {
    throw new RangeError(`goal ${spec.id}: indicator ${spec.indicator.code} has no ${role} code`);
  }
  return code;
}

/** The base indicator codes a goal reads (INT and ELB for K2, LZB for K3). */
export function baseCodes(spec: QuantitySpec): string[] {
  const { indicator } = spec;
  if (indicator.formula === 'rate') {
    return [
      requireCode(indicator.numeratorCode, spec, 'numerator'),
      requireCode(indicator.denominatorCode, spec, 'denominator'),
    ];
  }
  if (indicator.formula === 'stock') return [requireCode(indicator.numeratorCode, spec, 'stock (numerator)')];
  throw new RangeError(
    `goal ${spec.id}: indicator ${indicator.code} has formula '${indicator.formula}'; goals need 'rate' or 'stock'`,
  );
}

export function goalQuantity(spec: QuantitySpec, lookup: SeriesLookup): GoalQuantity {
  const codes = baseCodes(spec);
  if (spec.indicator.formula === 'rate') {
    const num = seriesRef(lookup, codes[0] ?? '', spec.gender);
    const den = seriesRef(lookup, codes[1] ?? '', spec.gender);
    return {
      ytd: (m) => rateYearToDate(num, den, m),
      monthly: (m) => {
        const value = rateTwelveMonth(num, den, m).value;
        return {
          value,
          changePct: relativeChange(value, rateTwelveMonth(num, den, addMonths(m, -12)).value),
        };
      },
      inputs: [num, den],
    };
  }
  const stock = seriesRef(lookup, codes[0] ?? '', spec.gender);
  return {
    ytd: (m) => stockYearToDateMean(stock, m),
    monthly: (m) => ({ value: valueAt(stock, m).value, changePct: stockChange(stock, m).value }),
    inputs: [stock],
  };
}

/**
 * The tracked change of month m against m−12: 100 × (ytd(m) / ytd(m−12) − 1); null when either
 * is unknown or last year's value is 0. The same rule as the goal evaluation's `changePct`.
 */
export function ytdChange(q: GoalQuantity, m: Month): number | null {
  const cur = q.ytd(m).value;
  const prev = q.ytd(addMonths(m, -12)).value;
  if (cur === null || prev === null || prev === 0) return null;
  return relativeChangeOf(cur, prev);
}
