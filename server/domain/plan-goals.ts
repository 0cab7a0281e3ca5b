/**
 * Plan goals of the AIP beyond Tabelle 3: counts, money and places against an annual plan.
 *
 * - `cumulative` (Eintritte FbW 250, EQ 10, Einzelförderungen 1.000): the tracked value is
 *   Σ x(Jan..m); it is compared with the plan path at m.
 * - `budget` (Eingliederungstitel 6,4 Mio €, FbW 1,6 Mio €): the same sum over the spending of the
 *   months, against the spending path; commitments (Bindungen) are shown beside it.
 * - `capacity` (Aktivcenter 140 Plätze, Maßnahmeplätze 300): the tracked value is the mean
 *   occupancy of Jan..m; it is compared with the planned places (the path is flat).
 *
 * Path: plan × share(m), the share of the year planned to be reached by month m: m/12 (pro rata),
 * last year's cumulative monthly share (`last_year`), or the cumulative share of 12 explicit
 * weights. Status: the deviation from the path, 100 × (value / path − 1), against the tolerance and
 * band of the goal on the bad side (`higher`: falling short is bad, `lower`: going over is bad,
 * `both`: either, e.g. a budget whose unspent money is returned at year end).
 *
 * Forecast of the year end (cumulative, budget), by the path's profile: `last_year` the year so
 * far plus last year's remaining months, scaled by the recent ratio Σ x_t(m−2..m) / Σ x_{t−1}(m−2..m)
 * (fewer months in January and February); `pro_rata` and explicit weights the year so far
 * carried along the goal's own path (ytd / share(m)). A budget's year end above its plan is never
 * im Ziel. Pace: what is left of the plan and how much that is per remaining month.
 *
 * Pure functions over a `SeriesLookup`, no I/O.
 */
import { formatMonth } from '../../core/format.js';
import { addMonths, makeMonth, monthOfYear, monthRange, yearOf } from '../../core/months.js';
import { goalId } from './goals.js';
import { meanOver, mergeMissing, type SeriesRef, seriesRef, sumOver, valueAt } from './kennzahlen.js';
import type { Pace } from './pace.js';
import { goalStatus, relativeChange } from './status.js';
import type {
  Computed,
  Direction,
  GoalEvaluation,
  GoalForecast,
  GoalOptions,
  GoalSeriesPoint,
  GoalStatus,
  IndicatorDef,
  MissingPoint,
  Month,
  PathProfile,
  PathStep,
  PlanGoalKind,
  PlanGoalSpec,
  SeriesLookup,
} from './types.js';

/** Builds a PlanGoalSpec from an indicator and a plan-target row (id and label derived here, once). */
export function makePlanGoalSpec(
  indicator: IndicatorDef,
  target: Omit<PlanGoalSpec, 'id' | 'indicator' | 'label'>,
): PlanGoalSpec {
  return { ...target, id: goalId(indicator.code, 'total'), indicator, label: indicator.name };
}

// ---------------------------------------------------------------------------------------------
// Path

/**
 * The cumulative share of the year planned by the end of each month (12 numbers, the last 1).
 * `lastYear` holds last year's 12 monthly values (needed for the `last_year` profile only); when
 * one of them is missing the shares are null and the missing points say which.
 */
export function cumulativeShares(
  profile: PathProfile,
  lastYear: Computed[],
): { shares: number[] | null; missing: MissingPoint[] } {
  let weights: readonly number[];
  if (profile.type === 'pro_rata') {
    weights = Array.from({ length: 12 }, () => 1);
  } else if (profile.type === 'explicit') {
    weights = profile.weights;
  } else {
    const missing = mergeMissing(...lastYear.map((c) => c.missing));
    if (missing.length > 0) return { shares: null, missing };
    weights = lastYear.map((c) => c.value ?? 0);
  }
  if (weights.length !== 12 || weights.some((w) => !(w >= 0))) {
    throw new RangeError(`path profile needs 12 weights >= 0 (got ${weights.join(', ')})`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return { shares: null, missing: [] };
  const shares: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w;
    shares.push(acc / total);
  }
  shares[11] = 1;
  return { shares, missing: [] };
}

/** The plan path at month m (1..12): plan × share(m); for capacity the planned places themselves. */
export function pathAt(
  kind: PlanGoalKind,
  plan: number,
  shares: readonly number[] | null,
  m: number,
): number | null {
  if (kind === 'capacity') return plan;
  const share = shares?.[m - 1];
  return share === undefined ? null : plan * share;
}

// ---------------------------------------------------------------------------------------------
// Status

/** 100 × (value / path − 1); a path of 0 gives 0 when the value is 0 too, else ±Infinity. */
export function deviationPct(value: number, path: number): number {
  if (path === 0) return value === 0 ? 0 : value > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return (100 * (value - path)) / path;
}

const RANK: Record<Exclude<GoalStatus, 'no_data'>, number> = { met: 0, at_risk: 1, missed: 2 };

/**
 * The status of a deviation from the path (percent of the path): within `tolerancePct` on the bad
 * side `met`, then `at_risk` for less than `bandPct` more, `missed` beyond (the band edge itself is
 * missed, as for the change goals). `both` takes the worse of the two sides. `overTolerancePct`
 * replaces the tolerance on the over side (a budget's year end: 0, see planSteering).
 */
export function planStatus(
  deviation: number,
  better: Direction,
  tolerancePct: number,
  bandPct: number,
  overTolerancePct = tolerancePct,
): Exclude<GoalStatus, 'no_data'> {
  if (Number.isNaN(deviation)) throw new RangeError('planStatus: deviation is NaN');
  for (const t of [tolerancePct, overTolerancePct]) {
    if (!(t >= 0)) throw new RangeError(`planStatus: tolerance must be >= 0 (got ${t})`);
  }
  // An infinite deviation (a path of 0) lies beyond every band on its side, and inside on the other.
  const d = Math.max(-1e12, Math.min(1e12, deviation));
  const low = () => goalStatus(d, -tolerancePct, 'higher', bandPct);
  const high = () => goalStatus(d, overTolerancePct, 'lower', bandPct);
  if (better === 'higher') return low();
  if (better === 'lower') return high();
  const a = low();
  const b = high();
  return RANK[a] >= RANK[b] ? a : b;
}

/** The value beyond which the at-risk band ends on the under side (higher, both) or the over side. */
function edgeFactor(better: Direction, tolerancePct: number, bandPct: number): number {
  const width = (tolerancePct + bandPct) / 100;
  return better === 'lower' ? 1 + width : 1 - width;
}

// ---------------------------------------------------------------------------------------------
// Forecast and pace

/**
 * The year-end forecast of a cumulative or budget goal at month m (1..12) of year t:
 * ytd_t(m) + r × Σ x_{t−1}(m+1..12), with r = Σ x_t(w) / Σ x_{t−1}(w) over the window w = the
 * last three months up to m (within the year). In December the forecast is the year's actual.
 * Null (with the missing points) when a month of last year is missing or last year's window sums to 0.
 */
export function forecastYearEnd(ref: SeriesRef, month: Month): Computed & { ratio: number | null } {
  const year = yearOf(month);
  const m = monthOfYear(month);
  const ytd = sumOver(ref, monthRange(makeMonth(year, 1), month));
  if (ytd.value === null) return { ...ytd, ratio: null };
  if (m === 12) return { value: ytd.value, missing: [], ratio: null };
  const window = monthRange(makeMonth(year, Math.max(1, m - 2)), month);
  const recent = sumOver(ref, window);
  const before = sumOver(
    ref,
    window.map((w) => addMonths(w, -12)),
  );
  const rest = sumOver(ref, monthRange(makeMonth(year - 1, m + 1), makeMonth(year - 1, 12)));
  const missing = mergeMissing(recent.missing, before.missing, rest.missing);
  if (missing.length > 0 || recent.value === null || before.value === null || rest.value === null) {
    return { value: null, missing, ratio: null };
  }
  if (before.value === 0) {
    const first = window[0] ?? month;
    return {
      value: null,
      missing: [
        {
          indicator: ref.indicator,
          gender: ref.gender,
          month: addMonths(first, -12),
          reason: 'zero_denominator',
        },
      ],
      ratio: null,
    };
  }
  const ratio = recent.value / before.value;
  return { value: ytd.value + ratio * rest.value, missing: [], ratio };
}

/**
 * The year-end forecast along the goal's own path (profiles `pro_rata` and `explicit`): the year
 * so far carried to the year by the path, ytd(m) + r × (plan − path(m)) with r = ytd / path(m),
 * which is ytd / share(m). A goal on its path is forecast at its plan, so the forecast's status
 * says what the current one says: last year's months (yoy3) would contradict the controllers'
 * profile (one EQ grant a month later than last year gave "Prognose 0 von 10" on the path).
 * Null when the path asks nothing by m (share 0): there is nothing to scale.
 */
export function forecastAlongPath(ytd: number, shares: readonly number[], m: number): number | null {
  const share = shares[m - 1];
  return share === undefined || !(share > 0) ? null : ytd / share;
}

/** The forecast follows the goal's own path, not last year's months (see forecastAlongPath). */
function forecastsAlongPath(spec: PlanGoalSpec): boolean {
  return spec.profile.type !== 'last_year';
}

/**
 * What is left of the plan after month m (1..12) and how much per remaining month (the pace shape
 * of the Tabelle 3 goals, kind `plan_remaining`): `total` = plan − ytd (negative when the plan is
 * exceeded), `perMonth` = max(total, 0) / months; beside it last year's and the forecast's figure
 * per remaining month. With a profiled path (`path`: its cumulative shares), `pathNext` is the
 * first month after m whose path lies above ytd, with what is needed by then: an even spread
 * says "0,3 je Monat" for two BaE places that the path wants in September. Null in December:
 * the year is decided.
 */
export function paceOf(
  plan: number,
  ytd: number,
  m: number,
  beside: {
    lastYearRest?: number | null;
    forecast?: number | null;
    path?: { year: number; shares: readonly number[] } | null;
  } = {},
): Pace | null {
  const months = 12 - m;
  if (months <= 0) return null;
  const total = plan - ytd;
  const per = (v: number | null | undefined) => (v === null || v === undefined ? null : v / months);
  return {
    kind: 'plan_remaining',
    total,
    perMonth: Math.max(total, 0) / months,
    previousYearPerMonth: per(beside.lastYearRest),
    forecastPerMonth: per(
      beside.forecast === null || beside.forecast === undefined ? null : beside.forecast - ytd,
    ),
    months,
    pathNext: total > 0 && beside.path ? nextPathStep(plan, beside.path, ytd, m) : null,
  };
}

/**
 * The first month k > m whose path plan × shares[k] lies above ytd, and what is still needed by
 * then in whole units (entries, euros), rounded up: a path of 102,02 against 102 entries so far
 * needs one more entry, not "0,0". A path equal to ytd up to the shares' float error is reached.
 */
function nextPathStep(
  plan: number,
  path: { year: number; shares: readonly number[] },
  ytd: number,
  m: number,
): PathStep | null {
  const eps = 1e-9 * Math.max(1, Math.abs(plan));
  for (let k = m + 1; k <= 12; k++) {
    const due = pathAt('cumulative', plan, path.shares, k);
    if (due !== null && due - ytd > eps) {
      return { month: makeMonth(path.year, k), needed: Math.ceil(due - ytd - eps) };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface PlanInputs {
  ref: SeriesRef;
  /** The tracked year-to-date value at a month: a sum, or (capacity) the mean occupancy. */
  ytd(month: Month): Computed;
  shares: number[] | null;
  sharesMissing: MissingPoint[];
  bandPct: number;
}

function planInputs(spec: PlanGoalSpec, lookup: SeriesLookup, options: GoalOptions): PlanInputs {
  const ref = seriesRef(lookup, spec.indicator.code, 'total');
  const ytd = (month: Month) => {
    const months = monthRange(makeMonth(yearOf(month), 1), month);
    return spec.kind === 'capacity' ? meanOver(ref, months) : sumOver(ref, months);
  };
  let shares: number[] | null = null;
  let sharesMissing: MissingPoint[] = [];
  if (spec.kind !== 'capacity') {
    const lastYear = Array.from({ length: 12 }, (_, i) => valueAt(ref, makeMonth(spec.year - 1, i + 1)));
    ({ shares, missing: sharesMissing } = cumulativeShares(spec.profile, lastYear));
  }
  return { ref, ytd, shares, sharesMissing, bandPct: spec.bandPct ?? options.atRiskBandPct };
}

/** A forecast of the year end before it is judged against the plan, or why there is none. */
type YearEnd =
  | { value: number; method: GoalForecast['method']; basisMonths: Month[] }
  | { value: null; reason: string };

/**
 * The year end of a cumulative or budget goal at month m: along the goal's own path (pro rata,
 * explicit weights: forecastAlongPath, over Jan..m), or for a path learnt from last year's months
 * by those months scaled by the recent ratio (forecastYearEnd, over m−2..m).
 */
function yearEnd(spec: PlanGoalSpec, inp: PlanInputs, month: Month, ytd: number): YearEnd {
  const m = monthOfYear(month);
  if (forecastsAlongPath(spec) && inp.shares !== null) {
    const value = forecastAlongPath(ytd, inp.shares, m);
    if (value === null) {
      return {
        value: null,
        reason: `Keine Prognose: laut Planpfad ist bis ${formatMonth(month)} noch nichts fällig.`,
      };
    }
    const basisMonths = m === 12 ? [] : monthRange(makeMonth(spec.year, 1), month);
    return { value, method: 'plan_path', basisMonths };
  }
  const f = forecastYearEnd(inp.ref, month);
  const basisMonths = monthRange(makeMonth(spec.year, Math.max(1, m - 2)), month);
  if (f.value !== null) return { value: f.value, method: 'yoy3', basisMonths: m === 12 ? [] : basisMonths };
  // Last year's months are there but sum to 0 (a series with a season, such as BaE entries in
  // September only): nothing to scale this year's months by.
  const zero = f.missing.some((x) => x.reason === 'zero_denominator');
  const from = formatMonth(addMonths(basisMonths[0] ?? month, -12));
  const to = formatMonth(addMonths(month, -12));
  const span = from === to ? to : `${from} bis ${to}`;
  const why = zero ? `die Vergleichsmonate des Vorjahres (${span}) sind alle 0` : 'es fehlen Vorjahreswerte';
  return { value: null, reason: `Keine Prognose: ${why}.` };
}

/**
 * The year-end forecast against the annual plan (cumulative, budget; see yearEnd) and the pace.
 * Capacity has neither: a mean of places does not add up. `ytd` null: no current figure, so
 * neither. A budget's plan is the money available: a year end above it is never im Ziel (no
 * tolerance on the over side; the band as for the current status), whatever the tolerance that
 * lets the spending run a little ahead of its path during the year.
 */
function planSteering(
  spec: PlanGoalSpec,
  inp: PlanInputs,
  month: Month,
  ytd: number | null,
): { forecast: GoalForecast; pace: Pace | null } {
  const m = monthOfYear(month);
  const none = (reason: string, method: GoalForecast['method'] = 'yoy3'): GoalForecast => ({
    method,
    value: null,
    changePct: null,
    status: 'no_data',
    interval: null,
    probabilityMet: null,
    basisMonths: [],
    reason,
  });
  if (spec.kind === 'capacity')
    return { forecast: none('Keine Prognose für Plätze (Ø Belegung).'), pace: null };
  if (ytd === null) return { forecast: none('Keine Prognose: es fehlen Monatswerte.'), pace: null };
  const f = yearEnd(spec, inp, month, ytd);
  const lastYearRest =
    m === 12
      ? null
      : sumOver(inp.ref, monthRange(makeMonth(spec.year - 1, m + 1), makeMonth(spec.year - 1, 12))).value;
  // An even path asks perMonth each month; a profiled one may ask nothing until September.
  const path =
    spec.profile.type === 'pro_rata' || inp.shares === null ? null : { year: spec.year, shares: inp.shares };
  const pace = paceOf(spec.plan, ytd, m, { lastYearRest, forecast: f.value, path });
  if (f.value === null) {
    return { forecast: none(f.reason, forecastsAlongPath(spec) ? 'plan_path' : 'yoy3'), pace };
  }
  const dev = deviationPct(f.value, spec.plan);
  const over = spec.kind === 'budget' ? 0 : spec.tolerancePct;
  return {
    forecast: {
      method: f.method,
      value: f.value,
      changePct: Number.isFinite(dev) ? dev : null,
      status: planStatus(dev, spec.better, spec.tolerancePct, inp.bandPct, over),
      interval: null,
      probabilityMet: null,
      basisMonths: f.basisMonths,
      reason: null,
    },
    pace,
  };
}

/**
 * The state of plan goal `spec` at data month `month` (in the goal's year), in the same shape as
 * a change goal: `current.value` is the year-to-date figure, `previous` last year's at the same
 * month, `changePct` the deviation from the path, `forecast` the year-end forecast against the plan.
 */
export function evaluatePlanGoal(
  spec: PlanGoalSpec,
  lookup: SeriesLookup,
  month: Month,
  options: GoalOptions,
): GoalEvaluation {
  if (yearOf(month) !== spec.year) {
    throw new RangeError(`goal ${spec.id} is for ${spec.year}; cannot evaluate it at ${month}`);
  }
  const inp = planInputs(spec, lookup, options);
  const m = monthOfYear(month);
  const prevMonth = addMonths(month, -12);
  const cur = inp.ytd(month);
  const prev = inp.ytd(prevMonth);
  const planToDate = pathAt(spec.kind, spec.plan, inp.shares, m);
  const missing = mergeMissing(cur.missing, inp.sharesMissing);

  let changePct: number | null = null;
  let status: GoalStatus = 'no_data';
  if (missing.length === 0 && cur.value !== null && planToDate !== null) {
    const d = deviationPct(cur.value, planToDate);
    changePct = Number.isFinite(d) ? d : null;
    status = planStatus(d, spec.better, spec.tolerancePct, inp.bandPct);
  }

  const steering = planSteering(spec, inp, month, status === 'no_data' ? null : cur.value);
  const monthly = valueAt(inp.ref, month).value;
  const monthlyPrev = valueAt(inp.ref, prevMonth).value;
  const commitments =
    spec.commitmentsCode === null
      ? null
      : valueAt(seriesRef(lookup, spec.commitmentsCode, 'total'), month).value;

  return {
    id: spec.id,
    indicator: spec.indicator.code,
    gender: 'total',
    label: spec.label,
    better: spec.better,
    targetChangePct: 0,
    kind: spec.kind,
    unit: spec.unit,
    formula: spec.indicator.formula,
    // The deviation from the path at which the band ends (the under side for `both`).
    atRiskEdgePct: (spec.better === 'lower' ? 1 : -1) * (spec.tolerancePct + inp.bandPct),
    plan: spec.plan,
    planToDate,
    planRule: { profile: spec.profile.type, tolerancePct: spec.tolerancePct, bandPct: inp.bandPct },
    commitments,
    current: { month, value: cur.value },
    provisional: false,
    previous: { month: prevMonth, value: prev.value },
    changePct,
    status,
    missing,
    monthly: {
      value: monthly,
      changePct:
        monthly === null || monthlyPrev === null || monthlyPrev === 0
          ? null
          : deviationPct(monthly, monthlyPrev),
    },
    forecast: steering.forecast,
    pace: steering.pace,
    drivers: null,
    published: null,
  };
}

/**
 * The 12 monthly points of a plan goal's chart as known at `dataMonth`: `current` the
 * year-to-date figure, `previous` last year's, `target` the path, `atRiskEdge` the edge of the
 * band on the bad side (the under side for `both`), `forecast` the forecast path from the data
 * month on (cumulative and budget: ytd(m) + r × Σ x_{t−1}(m+1..k) for `last_year`, else
 * ytd(m) × share(k) / share(m)).
 */
export function planGoalSeries(
  spec: PlanGoalSpec,
  lookup: SeriesLookup,
  year: number,
  dataMonth: Month,
  options: GoalOptions,
): GoalSeriesPoint[] {
  const inp = planInputs(spec, lookup, options);
  const dataInYear = yearOf(dataMonth) === year;
  const m = monthOfYear(dataMonth);
  const alongPath = forecastsAlongPath(spec) && inp.shares !== null;
  const forecast =
    dataInYear && spec.kind !== 'capacity' && !alongPath ? forecastYearEnd(inp.ref, dataMonth) : null;
  const curAtData = dataInYear ? inp.ytd(dataMonth).value : null;
  // Along the goal's own path: ytd(m) × share(k) / share(m) (forecastAlongPath).
  const shareAtData = inp.shares?.[m - 1] ?? 0;
  const pathScale =
    dataInYear && spec.kind !== 'capacity' && alongPath && curAtData !== null && shareAtData > 0
      ? curAtData / shareAtData
      : null;
  const edge = edgeFactor(spec.better, spec.tolerancePct, inp.bandPct);
  const points: GoalSeriesPoint[] = [];
  let restSoFar = 0;
  for (let k = 1; k <= 12; k++) {
    const month = makeMonth(year, k);
    const path = pathAt(spec.kind, spec.plan, inp.shares, k);
    let projection: number | null = null;
    if (dataInYear && k === m && (forecast?.value != null || pathScale !== null)) projection = curAtData;
    if (dataInYear && k > m && pathScale !== null) projection = pathScale * (inp.shares?.[k - 1] ?? 0);
    if (dataInYear && k > m && forecast?.ratio != null && curAtData !== null) {
      restSoFar += valueAt(inp.ref, makeMonth(year - 1, k)).value ?? 0;
      projection = curAtData + forecast.ratio * restSoFar;
    }
    const current = dataInYear && k <= m ? inp.ytd(month).value : null;
    const previous = inp.ytd(makeMonth(year - 1, k)).value;
    points.push({
      month,
      current,
      previous,
      target: path,
      atRiskEdge: path === null ? null : path * edge,
      forecast: projection,
      forecastLow: null,
      forecastHigh: null,
      changePct: relativeChange(current, previous),
      forecastChangePct: relativeChange(projection, previous),
      revised: inp.ref.series.get(month)?.revised === true,
      // Plan series are our own bookings and counts, never BA projections.
      provisional: false,
    });
  }
  return points;
}
