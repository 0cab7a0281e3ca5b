/**
 * Month arithmetic on 'YYYY-MM' strings. Pure, no Date objects, no time zones. The branded `Month`
 * type is made here only: by `parseMonth`/`isMonth` (input checked) and by the arithmetic.
 */
import type { Month } from './vocabulary.js';

export type { Month };

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: unknown): s is Month {
  return typeof s === 'string' && MONTH_RE.test(s);
}

/** The month of a 'YYYY-MM' text, or null when it is not one. */
export function parseMonth(s: string): Month | null {
  return isMonth(s) ? s : null;
}

/** A month from a 'YYYY-MM' text known to be one (constants, tests); throws a RangeError otherwise. */
export function month(s: string): Month {
  if (!isMonth(s)) throw new RangeError(`not a month (YYYY-MM): ${s}`);
  return s;
}

/** Months since year 0 (a linear index: month arithmetic becomes integer arithmetic). */
export function monthIndex(m: Month): number {
  const match = MONTH_RE.exec(m);
  if (!match) throw new RangeError(`not a month (YYYY-MM): ${m}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function fromMonthIndex(i: number): Month {
  const y = Math.floor(i / 12);
  const mo = i - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}` as Month;
}

export function addMonths(m: Month, n: number): Month {
  return fromMonthIndex(monthIndex(m) + n);
}

export function yearOf(m: Month): number {
  return Number(m.slice(0, 4));
}

/** 1 for January ... 12 for December. */
export function monthOfYear(m: Month): number {
  return Number(m.slice(5, 7));
}

export function makeMonth(year: number, monthOfYear: number): Month {
  return fromMonthIndex(year * 12 + monthOfYear - 1);
}

/** Inclusive list of months from `from` to `to` (empty when `to` is before `from`). */
export function monthRange(from: Month, to: Month): Month[] {
  const a = monthIndex(from);
  const b = monthIndex(to);
  const out: Month[] = [];
  for (let i = a; i <= b; i++) out.push(fromMonthIndex(i));
  return out;
}

/** Months of `year` from January up to and including `last` (or December when null). */
export function monthsOfYearUpTo(year: number, last: Month | null): Month[] {
  const december = makeMonth(year, 12);
  return monthRange(makeMonth(year, 1), last !== null && last < december ? last : december);
}

/** The years from `from` to `to`, newest first (empty when `to` is before `from`). */
export function yearsBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = to; y >= from; y--) out.push(y);
  return out;
}

/** The calendar month of a date in a time zone (default Europe/Berlin). */
export function monthOfDate(date: Date, timeZone = 'Europe/Berlin'): Month {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(date);
  const y = parts.find((p) => p.type === 'year')?.value ?? '1970';
  const mo = parts.find((p) => p.type === 'month')?.value ?? '01';
  return month(`${y}-${mo}`);
}
