/**
 * The steering figures of one goal at one data month, put together: the yoy3 forecast with its
 * interval and probability from the backtest history, the required pace and the drivers.
 * Pure; the goal evaluation calls it once per goal.
 */
import { monthOfYear } from '../../core/months.js';
import {
  type IntervalEstimate,
  intervalEstimate,
  MIN_ERRORS,
  MIN_YEARS,
  type PooledErrors,
} from './backtest.js';
import { goalDrivers } from './drivers.js';
import { FORECAST_METHOD, type PointForecast, pointForecast } from './forecast.js';
import { goalPace } from './pace.js';
import { goalStatus } from './status.js';
import type { GoalForecast, GoalOptions, GoalSpec, GoalSteering, Month, SeriesLookup } from './types.js';

/**
 * The pooled backtest errors (actual − forecast change, ascending) of an indicator, gender and
 * origin month with the number of distinct years they come from; the caller leaves out the goal's
 * own year.
 */
export type ForecastHistory = (
  indicator: string,
  gender: GoalSpec['gender'],
  originMonth: number,
) => PooledErrors;

const NO_HISTORY: PooledErrors = { errors: [], years: 0 };

const DECIDED = 'Dezember: das Jahr ist entschieden, der Wert ist das Ist.';

function joinReasons(...parts: (string | null)[]): string | null {
  const text = parts.filter((p): p is string => p !== null && p !== '').join(' ');
  return text === '' ? null : text;
}

/**
 * Why there is no interval (German, for people): too few cases, errors from too few other years,
 * or both. Null with an interval.
 */
export function fewHistoryReason(est: IntervalEstimate): string | null {
  if (est.interval !== null) return null;
  const cases = `${est.cases} ${est.cases === 1 ? 'Vergleichsfall' : 'Vergleichsfälle'}`;
  const years = est.years === 1 ? 'einem anderen Jahr' : `${est.years} anderen Jahren`;
  if (est.cases >= MIN_ERRORS) {
    return `zu wenig Historie (Prognosefehler aus nur ${years}, mindestens ${MIN_YEARS} nötig).`;
  }
  if (est.years >= MIN_YEARS) return `zu wenig Historie (${cases}, mindestens ${MIN_ERRORS} nötig).`;
  const from = est.years === 0 ? '' : ` aus nur ${years}`;
  return `zu wenig Historie (${cases}${from}; mindestens ${MIN_ERRORS} aus ${MIN_YEARS} anderen Jahren nötig).`;
}

/** The forecast object of the API from a point forecast and the pooled errors. */
export function goalForecast(
  spec: GoalSpec,
  point: PointForecast,
  m: Month,
  options: GoalOptions,
  history: ForecastHistory | undefined,
): GoalForecast {
  const base = {
    method: FORECAST_METHOD,
    value: point.value,
    changePct: point.changePct,
    basisMonths: point.basisMonths,
  } as const;
  if (point.changePct === null) {
    return { ...base, status: 'no_data', interval: null, probabilityMet: null, reason: point.reason };
  }
  const status = goalStatus(point.changePct, spec.targetChangePct, spec.better, options.atRiskBandPct);
  if (monthOfYear(m) === 12) {
    return { ...base, status, interval: null, probabilityMet: null, reason: DECIDED };
  }
  const pooled = history?.(spec.indicator.code, spec.gender, monthOfYear(m)) ?? NO_HISTORY;
  const est = intervalEstimate(point.changePct, pooled, spec);
  const few = fewHistoryReason(est);
  return {
    ...base,
    status,
    interval: est.interval,
    probabilityMet: est.probabilityMet,
    reason: joinReasons(point.reason, few),
  };
}

/** Forecast, pace and drivers of goal `spec` as of data month `m`. */
export function goalSteering(
  spec: GoalSpec,
  lookup: SeriesLookup,
  m: Month,
  options: GoalOptions,
  history?: ForecastHistory,
): GoalSteering {
  const point = pointForecast(spec, lookup, m);
  return {
    forecast: goalForecast(spec, point, m, options, history),
    pace: goalPace(spec, lookup, point.lookup, m),
    drivers: goalDrivers(spec, lookup, m),
  };
}
