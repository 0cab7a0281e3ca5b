/**
 * Target tracking: the one place that decides how far a goal of the AIP is, month by month.
 *
 * Our reading of the BA practice (see shared/domain.md):
 * - `rate` indicators (K2): the tracked value is the Jahresfortschrittswert JFW_t(m); the change is
 *   100 × (JFW_t(m) / JFW_{t-1}(m) − 1).
 * - `stock` indicators (K3 on LZB): the tracked value is the year-to-date mean of the stock,
 *   mean_t(Jan..m); the change is 100 × (mean_t(Jan..m) / mean_{t-1}(Jan..m) − 1).
 * - The change is compared with the planned change of the AIP (`targetChangePct`) in the direction
 *   that counts as better, with an at-risk band short of the target (see `goalStatus`).
 * - A December value decides the year.
 *
 * Pure functions over a `SeriesLookup`; the goal service loads the series from the database.
 */

import { goalId } from '../../core/goal-id.js';
import { addMonths, makeMonth, monthIndex, yearOf } from '../../core/months.js';
import { GENDER_TEXT } from '../../core/vocabulary.js';
import { forecastPath, type PointForecast, pointForecast } from './forecast.js';
import { mergeMissing, relativeChangeOf, type SeriesRef } from './kennzahlen.js';
import { goalQuantity } from './quantity.js';
import { atRiskEdgePct, goalStatus, relativeChange } from './status.js';
import { type ForecastHistory, goalSteering } from './steering.js';

export { goalId };

import type {
  Better,
  Gender,
  GoalEvaluation,
  GoalOptions,
  GoalSeriesPoint,
  GoalSpec,
  GoalStatus,
  GoalUnit,
  IndicatorDef,
  MissingPoint,
  Month,
  Obs,
  SeriesLookup,
} from './types.js';

/** German label of a goal: 'Integrationsquote Frauen', 'Bestand Langzeitleistungsbeziehende insgesamt'. */
export function goalLabel(indicator: Pick<IndicatorDef, 'name'>, gender: Gender): string {
  return `${indicator.name} ${GENDER_TEXT[gender]}`;
}

/** The unit of an indicator's values as a goal unit ('count' for anything not listed). */
export function goalUnitOf(indicatorUnit: string): GoalUnit {
  return indicatorUnit === 'percent' || indicatorUnit === 'eur' || indicatorUnit === 'places'
    ? indicatorUnit
    : 'count';
}

/** Builds a GoalSpec from an indicator and a target row (id and label derived here, once). */
export function makeGoalSpec(
  indicator: IndicatorDef,
  target: { gender: Gender; year: number; targetChangePct: number; better: Better; source: string | null },
): GoalSpec {
  return {
    id: goalId(indicator.code, target.gender),
    indicator,
    gender: target.gender,
    year: target.year,
    targetChangePct: target.targetChangePct,
    better: target.better,
    label: goalLabel(indicator, target.gender),
    source: target.source,
  };
}

function statusOf(changePct: number | null, spec: GoalSpec, options: GoalOptions): GoalStatus {
  return changePct === null
    ? 'no_data'
    : goalStatus(changePct, spec.targetChangePct, spec.better, options.atRiskBandPct);
}

/**
 * The state of goal `spec` at data month `month` (which must lie in the goal's year).
 * `published` is left null: the service fills it with `comparePublished` when the BA's own figure
 * for the month was loaded.
 */
export function evaluateGoal(
  spec: GoalSpec,
  lookup: SeriesLookup,
  month: Month,
  options: GoalOptions,
  history?: ForecastHistory,
): GoalEvaluation {
  if (yearOf(month) !== spec.year) {
    throw new RangeError(`goal ${spec.id} is for ${spec.year}; cannot evaluate it at ${month}`);
  }
  const q = goalQuantity(spec, lookup);
  const prevMonth = addMonths(month, -12);
  const cur = q.ytd(month);
  const prev = q.ytd(prevMonth);

  let missing: MissingPoint[] = mergeMissing(cur.missing, prev.missing);
  let changePct: number | null = null;
  if (missing.length === 0 && cur.value !== null && prev.value !== null) {
    if (prev.value === 0) {
      missing = [
        { indicator: spec.indicator.code, gender: spec.gender, month: prevMonth, reason: 'zero_denominator' },
      ];
    } else {
      changePct = relativeChangeOf(cur.value, prev.value);
    }
  }
  const status = statusOf(changePct, spec, options);

  return {
    id: spec.id,
    indicator: spec.indicator.code,
    gender: spec.gender,
    label: spec.label,
    better: spec.better,
    targetChangePct: spec.targetChangePct,
    kind: 'change',
    unit: goalUnitOf(spec.indicator.unit),
    plan: null,
    planToDate: null,
    planRule: null,
    commitments: null,
    formula: spec.indicator.formula,
    atRiskEdgePct: atRiskEdgePct(spec.targetChangePct, spec.better, options.atRiskBandPct),
    current: { month, value: cur.value },
    provisional: cur.value !== null && restsOnProvisional(q.inputs, month),
    previous: { month: prevMonth, value: prev.value },
    changePct,
    status,
    missing,
    monthly: q.monthly(month),
    ...goalSteering(spec, lookup, month, options, history),
    published: null,
  };
}

/**
 * Compares our computed figure with the BA's published one (K2_BA, K3_BA). They differ when they
 * are further apart than half a unit of the published rounding (0.05 for one decimal): the BA
 * rounds, so any difference within that is rounding, anything beyond is a real discrepancy.
 * Null when no published number exists (absent, or a marker); `differs` is false when we have no
 * computed value to compare (the UI shows the computed null).
 */
export function comparePublished(
  computed: number | null,
  published: Obs | undefined,
  decimals = 1,
): { value: number; computed: number | null; differs: boolean } | null {
  if (published === undefined || published.value === null || !Number.isFinite(published.value)) return null;
  const halfUnit = 0.5 * 10 ** -decimals;
  // A tiny tolerance so that a computed value lying exactly on the rounding boundary (x.x5) is
  // not flagged because of binary floating-point noise.
  const differs = computed !== null && Math.abs(computed - published.value) > halfUnit + 1e-9;
  return { value: published.value, computed, differs };
}

/**
 * Whether a year-to-date value at `month` reads a provisional observation: any input month from
 * December of the year before up to `month` (the rate's denominator lags by one month).
 */
export function restsOnProvisional(inputs: readonly SeriesRef[], month: Month): boolean {
  for (let m = makeMonth(yearOf(month) - 1, 12); m <= month; m = addMonths(m, 1)) {
    if (inputs.some((ref) => ref.series.get(m)?.provisional === true)) return true;
  }
  return false;
}

/**
 * The 12 monthly points (January..December of `year`) of a goal's chart, as known at `dataMonth`.
 * - `current`: the tracked year-to-date value (JFW / mean stock) up to `dataMonth`, null after.
 * - `previous`: last year's line for the whole year.
 * - `target`: previous × (1 + target/100), the path the year has to stay on (above or below).
 * - `atRiskEdge`: previous × (1 + (target ∓ band)/100): − band when higher is better, + when lower.
 * - `forecast`: the yoy3 forecast path from `dataMonth` (the current value itself) to December;
 *   null before, and null when `dataMonth` is not in `year` (see forecast.ts).
 * - `forecastLow`/`forecastHigh`: the 80 % band of `interval` (the December interval of the
 *   forecast change), opening linearly from the data month (width 0) to December: a visual guide,
 *   only December's band is a backtested interval.
 * - `revised`: an observation of month k of one of the goal's base series (e.g. INT or ELB, or LZB)
 *   was changed by an import after it was first loaded.
 */
export function goalSeries(
  spec: GoalSpec,
  lookup: SeriesLookup,
  year: number,
  dataMonth: Month,
  options: GoalOptions,
  interval: { lowPct: number; highPct: number } | null = null,
): GoalSeriesPoint[] {
  const q = goalQuantity(spec, lookup);
  const dataIdx = monthIndex(dataMonth);
  const dataInYear = yearOf(dataMonth) === year;
  const point = dataInYear ? pointForecast(spec, lookup, dataMonth) : null;
  const path = point === null ? new Map<Month, number>() : forecastPath(spec, point, dataMonth);
  const band = bandOf(point, interval, dataIdx);
  const targetFactor = 1 + spec.targetChangePct / 100;
  const edgeFactor = 1 + atRiskEdgePct(spec.targetChangePct, spec.better, options.atRiskBandPct) / 100;

  const points: GoalSeriesPoint[] = [];
  for (let k = 1; k <= 12; k++) {
    const month = makeMonth(year, k);
    const idx = monthIndex(month);
    const previous = q.ytd(makeMonth(year - 1, k)).value;
    const current = idx <= dataIdx ? q.ytd(month).value : null;
    const forecast = path.get(month) ?? null;
    const [forecastLow, forecastHigh] = forecast === null ? [null, null] : band(forecast, idx);
    points.push({
      month,
      current,
      previous,
      target: previous === null ? null : previous * targetFactor,
      atRiskEdge: previous === null ? null : previous * edgeFactor,
      forecast,
      forecastLow,
      forecastHigh,
      changePct: relativeChange(current, previous),
      forecastChangePct: relativeChange(forecast, previous),
      revised: q.inputs.some((ref) => ref.series.get(month)?.revised === true),
      provisional: current !== null && restsOnProvisional(q.inputs, month),
    });
  }
  return points;
}

/**
 * The band around the forecast path: December's interval in value terms (last year's December
 * value × (1 + low/100) and × (1 + high/100)), its offsets from the forecast value scaled by the
 * share of the remaining months already passed, (k − m) / (12 − m).
 */
function bandOf(
  point: PointForecast | null,
  interval: { lowPct: number; highPct: number } | null,
  dataIdx: number,
): (value: number, idx: number) => [number | null, number | null] {
  if (point === null || interval === null || point.value === null || point.previousValue === null) {
    return () => [null, null];
  }
  const prev = point.previousValue;
  const lowOffset = prev * (1 + interval.lowPct / 100) - point.value;
  const highOffset = prev * (1 + interval.highPct / 100) - point.value;
  const remaining = 11 - (dataIdx % 12);
  return (value, idx) => {
    const share = remaining === 0 ? 1 : (idx - dataIdx) / remaining;
    return [value + lowOffset * share, value + highOffset * share];
  };
}
