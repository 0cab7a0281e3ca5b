/**
 * Which year and data month a goal query means, and which months of a region the goals of a
 * year read. Pure functions: the service passes in what it knows of the region.
 */
import { makeMonth, yearOf } from '../../core/months.js';
import { DomainError } from '../domain/errors.js';
import type { Month } from '../domain/types.js';

export interface PeriodQuery {
  year?: number | undefined;
  month?: Month | undefined;
}

export interface Period {
  year: number;
  /** The data month the goals are evaluated at; null when the year has no data month. */
  dataMonth: Month | null;
}

/**
 * How many years before the goal's year the computation reads. The goals of year t at month m
 * read the 12-month K2 at m−12 (INT from m−23, ELB from m−24) and last year's year-to-date values
 * (ELB from December t−2): nothing before January t−2. Widen it here (and only here) when a goal
 * computation needs more history.
 */
export const GOAL_YEARS_BACK = 2;

/** The months a region's goals of `year` read: January of `year − GOAL_YEARS_BACK` to December. */
export function goalWindow(year: number): { from: Month; to: Month } {
  return { from: makeMonth(year - GOAL_YEARS_BACK, 1), to: makeMonth(year, 12) };
}

/** A month query must lie in the year asked for (400 otherwise). */
function checkMonthInYear(q: PeriodQuery): void {
  if (q.month !== undefined && q.year !== undefined && q.year !== yearOf(q.month)) {
    throw new DomainError(
      'bad_request',
      `Invalid query parameter: month ${q.month} does not lie in year ${q.year}`,
    );
  }
}

/**
 * The year a query asks about, before any data are read: the month's year, the year, or (no
 * period asked) the year of the region's latest data month, else the clock's year.
 */
export function queryYear(q: PeriodQuery, latestDataMonth: Month | null, today: Month): number {
  checkMonthInYear(q);
  if (q.month !== undefined) return yearOf(q.month);
  if (q.year !== undefined) return q.year;
  return yearOf(latestDataMonth ?? today);
}

/**
 * Resolves year and data month: an explicit month as asked; a year at its latest data month
 * (`dataMonthsOfYear`, ascending); no period at the region's latest data month.
 */
export function resolvePeriod(
  q: PeriodQuery,
  latestDataMonth: Month | null,
  dataMonthsOfYear: (year: number) => readonly Month[],
  today: Month,
): Period {
  const year = queryYear(q, latestDataMonth, today);
  if (q.month !== undefined) return { year, dataMonth: q.month };
  if (q.year !== undefined) return { year, dataMonth: dataMonthsOfYear(year).at(-1) ?? null };
  return { year, dataMonth: latestDataMonth };
}
