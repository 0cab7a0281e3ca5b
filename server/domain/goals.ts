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
import { addMonths, makeMonth, monthIndex, monthOfYear, yearOf } from '../../core/months.js';
import { GENDER_TEXT } from '../../core/vocabulary.js';
import {
  mergeMissing,
  rateTwelveMonth,
  rateYearToDate,
  relativeChangeOf,
  type SeriesRef,
  seriesRef,
  stockChange,
  stockYearToDateMean,
  valueAt,
} from './kennzahlen.js';
import { projectOnShape, projectYearEnd } from './projection.js';
import { atRiskEdgePct, goalStatus, relativeChange } from './status.js';

export { goalId };

import type {
  Better,
  Computed,
  Gender,
  GoalEvaluation,
  GoalOptions,
  GoalSeriesPoint,
  GoalSpec,
  GoalStatus,
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

/** How a goal's indicator is computed from base series. */
interface GoalQuantity {
  /** The tracked year-to-date value at month m (JFW or mean stock). */
  ytd(m: Month): Computed;
  /** The month's own figure (12-month rate, or the stock) and its change against m−12. */
  monthly(m: Month): { value: number | null; changePct: number | null };
  /** The base series the goal reads (for the revised flags). */
  inputs: readonly SeriesRef[];
}

function requireCode(code: string | null, spec: GoalSpec, role: string): string {
  if (code === null || code === '') {
    throw new RangeError(`goal ${spec.id}: indicator ${spec.indicator.code} has no ${role} code`);
  }
  return code;
}

function goalQuantity(spec: GoalSpec, lookup: SeriesLookup): GoalQuantity {
  const { indicator, gender } = spec;
  switch (indicator.formula) {
    case 'rate': {
      const num = seriesRef(lookup, requireCode(indicator.numeratorCode, spec, 'numerator'), gender);
      const den = seriesRef(lookup, requireCode(indicator.denominatorCode, spec, 'denominator'), gender);
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
    case 'stock': {
      const stock = seriesRef(
        lookup,
        requireCode(indicator.numeratorCode, spec, 'stock (numerator)'),
        gender,
      );
      return {
        ytd: (m) => stockYearToDateMean(stock, m),
        monthly: (m) => ({ value: valueAt(stock, m).value, changePct: stockChange(stock, m).value }),
        inputs: [stock],
      };
    }
    default:
      throw new RangeError(
        `goal ${spec.id}: indicator ${indicator.code} has formula '${indicator.formula}'; goals need 'rate' or 'stock'`,
      );
  }
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

  const december = makeMonth(spec.year, 12);
  const isDecember = monthOfYear(month) === 12;
  const prevDecember = isDecember ? prev : q.ytd(addMonths(december, -12));
  const projection = projectYearEnd(
    status === 'no_data' ? null : cur.value,
    prev.value,
    prevDecember.value,
    isDecember,
  );

  return {
    id: spec.id,
    indicator: spec.indicator.code,
    gender: spec.gender,
    label: spec.label,
    better: spec.better,
    targetChangePct: spec.targetChangePct,
    current: { month, value: cur.value },
    previous: { month: prevMonth, value: prev.value },
    changePct,
    status,
    missing,
    monthly: q.monthly(month),
    projection: {
      month: december,
      value: projection.value,
      // In December the projection is the actual; take the same change so both read identically.
      changePct: isDecember ? changePct : projection.changePct,
      status: isDecember ? status : statusOf(projection.changePct, spec, options),
    },
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
 * The 12 monthly points (January..December of `year`) of a goal's chart, as known at `dataMonth`.
 * - `current`: the tracked year-to-date value (JFW / mean stock) up to `dataMonth`, null after.
 * - `previous`: last year's line for the whole year.
 * - `target`: previous × (1 + target/100), the path the year has to stay on (above or below).
 * - `atRiskEdge`: previous × (1 + (target ∓ band)/100): − band when higher is better, + when lower.
 * - `projection`: after `dataMonth`, current(dataMonth) × previous(k) / previous(dataMonth); at
 *   `dataMonth` the current value itself; null before, and null when `dataMonth` is not in `year`.
 * - `revised`: an observation of month k of one of the goal's base series (e.g. INT or ELB, or LZB)
 *   was changed by an import after it was first loaded.
 */
export function goalSeries(
  spec: GoalSpec,
  lookup: SeriesLookup,
  year: number,
  dataMonth: Month,
  options: GoalOptions,
): GoalSeriesPoint[] {
  const q = goalQuantity(spec, lookup);
  const dataIdx = monthIndex(dataMonth);
  const dataInYear = yearOf(dataMonth) === year;
  const curAtData = dataInYear ? q.ytd(dataMonth).value : null;
  const prevAtData = dataInYear ? q.ytd(addMonths(dataMonth, -12)).value : null;
  const targetFactor = 1 + spec.targetChangePct / 100;
  const edgeFactor = 1 + atRiskEdgePct(spec.targetChangePct, spec.better, options.atRiskBandPct) / 100;

  const points: GoalSeriesPoint[] = [];
  for (let k = 1; k <= 12; k++) {
    const month = makeMonth(year, k);
    const idx = monthIndex(month);
    const previous = q.ytd(makeMonth(year - 1, k)).value;
    const current = idx <= dataIdx ? q.ytd(month).value : null;
    let projection: number | null = null;
    if (dataInYear && idx >= dataIdx) {
      projection = projectOnShape(curAtData, prevAtData, previous, idx === dataIdx);
    }
    points.push({
      month,
      current,
      previous,
      target: previous === null ? null : previous * targetFactor,
      atRiskEdge: previous === null ? null : previous * edgeFactor,
      projection,
      revised: q.inputs.some((ref) => ref.series.get(month)?.revised === true),
    });
  }
  return points;
}
