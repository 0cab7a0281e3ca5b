/**
 * The required pace ("Was es noch braucht"): the target turned into an operational number for
 * the months left in the year, as of data month m.
 *
 * - K2 (`integrations_needed`): the target December JFW is JFW_{t-1}(12) × (1 + target/100); the
 *   integrations still needed from m+1 to December are target JFW / 100 × D − Σ INT_t(1..m), D the
 *   forecast mean ELB of Dec(t-1)..Nov(t) (actual where loaded, forecast elsewhere).
 * - K3 (`max_mean_stock`): the highest mean stock the remaining months may average,
 *   (12 × mean LZB_{t-1}(1..12) × (1 + target/100) − Σ LZB_t(1..m)) / (12 − m).
 * - December: none, the year is decided.
 *
 * The shape is shared with other goal kinds (plan goals): `total` over the remaining months,
 * `perMonth`, and beside it last year's and the forecast's figure per month. Pure.
 */
import { addMonths, makeMonth, monthOfYear, monthRange, yearOf } from '../../core/months.js';
import { meanOver, rateYearToDate, sumOver } from './kennzahlen.js';
import { goalQuantity, type QuantitySpec } from './quantity.js';
import type { GoalSpec, Month, Pace, SeriesLookup } from './types.js';

export type { Pace, PaceKind } from './types.js';

/**
 * The pace of goal `spec` as of data month `m`. `forecastLookup` is the point forecast's lookup
 * (actuals up to m, forecast after); null without a forecast (then K2 has no pace: D is unknown).
 */
export function goalPace(
  spec: QuantitySpec & Pick<GoalSpec, 'targetChangePct'>,
  lookup: SeriesLookup,
  forecastLookup: SeriesLookup | null,
  m: Month,
): Pace | null {
  const months = 12 - monthOfYear(m);
  if (months === 0) return null;
  const year = yearOf(m);
  const rest = monthRange(addMonths(m, 1), makeMonth(year, 12));
  const restLastYear = rest.map((k) => addMonths(k, -12));
  const factor = 1 + spec.targetChangePct / 100;
  const actual = goalQuantity(spec, lookup);
  const forecast = forecastLookup === null ? null : goalQuantity(spec, forecastLookup);
  const perMonth = (v: number | null) => (v === null ? null : v / months);

  if (spec.indicator.formula === 'rate') {
    const [num, den] = actual.inputs;
    const [numF, denF] = forecast?.inputs ?? [];
    if (!num || !den || !numF || !denF) return null;
    const prevJfw = rateYearToDate(num, den, makeMonth(year - 1, 12)).value;
    const d = meanOver(denF, monthRange(makeMonth(year - 1, 12), makeMonth(year, 11))).value;
    const done = sumOver(num, monthRange(makeMonth(year, 1), m)).value;
    if (prevJfw === null || d === null || done === null) return null;
    const total = ((prevJfw * factor) / 100) * d - done;
    return {
      kind: 'integrations_needed',
      total,
      perMonth: total / months,
      previousYearPerMonth: perMonth(sumOver(num, restLastYear).value),
      forecastPerMonth: perMonth(sumOver(numF, rest).value),
      months,
      pathNext: null,
    };
  }
  const [stock] = actual.inputs;
  if (!stock) return null;
  const prevMean = meanOver(stock, monthRange(makeMonth(year - 1, 1), makeMonth(year - 1, 12))).value;
  const done = sumOver(stock, monthRange(makeMonth(year, 1), m)).value;
  if (prevMean === null || done === null) return null;
  const total = 12 * prevMean * factor - done;
  const stockF = forecast?.inputs[0];
  return {
    kind: 'max_mean_stock',
    total,
    perMonth: total / months,
    previousYearPerMonth: meanOver(stock, restLastYear).value,
    forecastPerMonth: stockF ? meanOver(stockF, rest).value : null,
    months,
    pathNext: null,
  };
}
