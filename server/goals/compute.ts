/**
 * The goal objects of one region: THE function that turns a region's series, its targets and a
 * period into what /api/goals, the wall, the alerts and the snapshots show. Extend the goal
 * objects here (forecast, pace, drivers, plan goals), so that every path gets them, and bump
 * GOAL_FORMAT so that snapshots stored by older code are rebuilt.
 */
import { addMonths, makeMonth } from '../../core/months.js';
import { comparePublished, evaluateGoal, goalSeries } from '../domain/goals.js';
import { evaluatePlanGoal, planGoalSeries } from '../domain/plan-goals.js';
import type { ForecastHistory } from '../domain/steering.js';
import type {
  GoalEvaluation,
  GoalOptions,
  GoalSeriesPoint,
  GoalSpec,
  IndicatorDef,
  Month,
  PlanGoalSpec,
  SeriesLookup,
} from '../domain/types.js';

/** Version of the shape and rules of the goal objects; part of the snapshot key. */
export const GOAL_FORMAT = '8'; // 3: plan goals (issue 16); 4: goals and points carry `provisional` (issue 14); 5: a plan goal's pace carries `pathNext`; 6: no drivers for a K3 insgesamt without its own change; 7: no forecast interval from errors of fewer than 3 other years; 8: plan forecasts along an even or explicit path (`plan_path`), a budget's year end above its plan not im Ziel

export interface RegionGoalInput {
  specs: readonly GoalSpec[];
  /** Plan goals of the AIP beyond Tabelle 3 (entries, budgets, places), after the Tabelle 3 goals. */
  planSpecs: readonly PlanGoalSpec[];
  defs: ReadonlyMap<string, IndicatorDef>;
  /** The region's series; at least the months of `goalWindow(year)`. */
  lookup: SeriesLookup;
  year: number;
  dataMonth: Month | null;
  options: GoalOptions;
  /** The backtest errors the forecast interval is built from (none: no interval). */
  history?: ForecastHistory | undefined;
}

/** The BA's own figure for the goal's indicator, compared with ours (see comparePublished). */
function withPublished(ev: GoalEvaluation, spec: GoalSpec, input: RegionGoalInput): GoalEvaluation {
  for (const def of input.defs.values()) {
    if (def.formula !== 'published' || def.numeratorCode !== spec.indicator.code) continue;
    const obs = input.lookup(def.code, spec.gender).get(ev.current.month);
    // The BA publishes K2 as the 12-month rate and K3 as the change of the stock in percent.
    const computed = spec.indicator.formula === 'rate' ? ev.monthly.value : ev.monthly.changePct;
    const published = comparePublished(computed, obs);
    if (published) return { ...ev, published };
  }
  return ev;
}

/** Every goal of the region for the year, evaluated at the data month (January when none). */
export function computeRegionGoals(input: RegionGoalInput): GoalEvaluation[] {
  const at = input.dataMonth ?? makeMonth(input.year, 1);
  const goals = input.specs.map((spec) =>
    withPublished(evaluateGoal(spec, input.lookup, at, input.options, input.history), spec, input),
  );
  for (const spec of input.planSpecs) goals.push(evaluatePlanGoal(spec, input.lookup, at, input.options));
  return goals;
}

/**
 * The 12 chart points of one goal (see goalSeries); no data month: every month not yet known.
 * `interval` is the goal's forecast interval (the band around the forecast path; Tabelle 3 only).
 */
export function computeGoalSeries(
  spec: GoalSpec | PlanGoalSpec,
  input: RegionGoalInput,
  interval: GoalEvaluation['forecast']['interval'] = null,
): GoalSeriesPoint[] {
  const at = input.dataMonth ?? addMonths(makeMonth(input.year, 1), -1);
  return 'kind' in spec
    ? planGoalSeries(spec, input.lookup, input.year, at, input.options)
    : goalSeries(spec, input.lookup, input.year, at, input.options, interval);
}
