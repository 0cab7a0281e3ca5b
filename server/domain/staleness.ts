/**
 * Which reference month the BA should have published by a given date, and whether the loaded data
 * lag behind it. The BA releases monthly (about the 20th–25th) after a three-month waiting period
 * (Wartezeit), so a release in calendar month M covers reference month M − lag (lag 4 by default).
 */
import { addMonths, isMonth, monthIndex, monthOfDate } from '../../core/months.js';
import type { Month } from './types.js';

export interface ReleaseSchedule {
  /** Day of the month (1..28) from which that month's release is expected to be loaded. */
  releaseDay: number;
  /** Months between the release and the reference month it covers. */
  lagMonths: number;
  /** Time zone the release day is counted in (default Europe/Berlin). */
  timeZone?: string;
}

/** Day of the month of `date` in `timeZone`. */
function dayOfMonth(date: Date, timeZone: string): number {
  const part = new Intl.DateTimeFormat('en-CA', { timeZone, day: 'numeric' })
    .formatToParts(date)
    .find((p) => p.type === 'day');
  return Number(part?.value ?? Number.NaN);
}

/**
 * The newest reference month the BA should have published by `now`: on or after `releaseDay` of
 * calendar month M (in the schedule's time zone, default Europe/Berlin) it is M − lagMonths, before
 * that day M − lagMonths − 1.
 */
export function expectedDataMonth(now: Date, opts: ReleaseSchedule): Month {
  if (Number.isNaN(now.getTime())) throw new RangeError('expectedDataMonth: invalid date');
  if (!Number.isInteger(opts.releaseDay) || opts.releaseDay < 1 || opts.releaseDay > 31) {
    throw new RangeError(`expectedDataMonth: releaseDay must be 1..31 (got ${opts.releaseDay})`);
  }
  if (!Number.isInteger(opts.lagMonths) || opts.lagMonths < 0) {
    throw new RangeError(`expectedDataMonth: lagMonths must be a whole number >= 0 (got ${opts.lagMonths})`);
  }
  const timeZone = opts.timeZone ?? 'Europe/Berlin';
  const calendarMonth = monthOfDate(now, timeZone);
  const released = dayOfMonth(now, timeZone) >= opts.releaseDay;
  return addMonths(calendarMonth, -opts.lagMonths - (released ? 0 : 1));
}

/**
 * For bundled sample data the calendar is irrelevant: the sample claims to be current as of its
 * own month (`regions.sample_as_of`, e.g. '2024-09'), so that month is what is "expected" and the
 * sample never reads as stale just because the calendar moved on.
 */
export function sampleExpectedMonth(asOf: Month): Month {
  if (!isMonth(asOf)) throw new RangeError(`sampleExpectedMonth: not a month (YYYY-MM): ${asOf}`);
  return asOf;
}

/** True when the newest loaded month is older than the expected one (or nothing is loaded). */
export function isStale(latestMonth: Month | null, expected: Month): boolean {
  return latestMonth === null || monthIndex(latestMonth) < monthIndex(expected);
}
