/**
 * Why a goal moved: its year-to-date change split into parts, as of data month m of year t.
 *
 * - K2: (1 + change) = (Σ INT_t(1..m) / Σ INT_{t-1}(1..m)) / (mean ELB_t / mean ELB_{t-1}), the
 *   ELB over the JFW months Dec(t-1)..m-1: the change of the integrations (numerator) and of the
 *   ELB stock (denominator), each in percent.
 * - K3 insgesamt: the contributions of women and men to the change of the total mean stock, in
 *   percentage points of last year's total mean stock: 100 × (mean F_t − mean F_{t-1}) / mean T_{t-1}
 *   and the same for men. They add up to the total change when women + men = total (as the BA
 *   publishes them).
 * - Other goals (K3 Frauen/Männer): none. None either when a needed month of the goal's own
 *   series is missing (its change is "keine Daten"). Pure.
 */
import { addMonths, makeMonth, monthRange, yearOf } from '../../core/months.js';
import { meanOver, relativeChangeOf, seriesRef, sumOver } from './kennzahlen.js';
import { goalQuantity, type QuantitySpec } from './quantity.js';
import type { Drivers, Month, SeriesLookup } from './types.js';

export type { Drivers } from './types.js';

function change(cur: number | null, prev: number | null): number | null {
  return cur === null || prev === null || prev === 0 ? null : relativeChangeOf(cur, prev);
}

export function goalDrivers(spec: QuantitySpec, lookup: SeriesLookup, m: Month): Drivers | null {
  const january = makeMonth(yearOf(m), 1);
  const shift = (ms: Month[]) => ms.map((k) => addMonths(k, -12));
  const q = goalQuantity(spec, lookup);
  if (spec.indicator.formula === 'rate') {
    const [num, den] = q.inputs;
    if (!num || !den) return null;
    const numMonths = monthRange(january, m);
    const denMonths = monthRange(addMonths(january, -1), addMonths(m, -1));
    const n = change(sumOver(num, numMonths).value, sumOver(num, shift(numMonths)).value);
    const d = change(meanOver(den, denMonths).value, meanOver(den, shift(denMonths)).value);
    return n === null || d === null ? null : { numeratorChangePct: n, denominatorChangePct: d };
  }
  const [stock] = q.inputs;
  if (!stock || spec.gender !== 'total') return null;
  const months = monthRange(january, m);
  const last = shift(months);
  const totalLast = meanOver(stock, last).value;
  // Without the total's own change (a month suppressed or missing) there is nothing to explain:
  // parts of a change the goal itself reports as "keine Daten" would read as a change.
  if (meanOver(stock, months).value === null) return null;
  const pp = (gender: 'female' | 'male') => {
    const ref = seriesRef(lookup, stock.indicator, gender);
    const cur = meanOver(ref, months).value;
    const prev = meanOver(ref, last).value;
    return cur === null || prev === null || totalLast === null || totalLast === 0
      ? null
      : (100 * (cur - prev)) / totalLast;
  };
  const femalePp = pp('female');
  const malePp = pp('male');
  return femalePp === null || malePp === null ? null : { femalePp, malePp };
}
