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

/** The value of the ASCII digit at `i` of `s`, or -1. */
function digitAt(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * Months since year 0 (a linear index: month arithmetic becomes integer arithmetic). The same
 * rule as MONTH_RE, read character by character: every series lookup of the goal and backtest
 * maths passes through here, and the regular expression was the largest part of it.
 */
export function monthIndex(m: Month): number {
  const y0 = digitAt(m, 0);
  const y1 = digitAt(m, 1);
  const y2 = digitAt(m, 2);
  const y3 = digitAt(m, 3);
  const m0 = digitAt(m, 5);
  const m1 = digitAt(m, 6);
  const mo = m0 * 10 + m1;
  if (
    m.length !== 7 ||
    m.charCodeAt(4) !== 45 || // '-'
    y0 < 0 ||
    y1 < 0 ||
    y2 < 0 ||
    y3 < 0 ||
    m0 < 0 ||
    m1 < 0 ||
    mo < 1 ||
    mo > 12
  )
    throw new RangeError(`not a month (YYYY-MM): ${m}`);
  return (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 12 + mo - 1;
}

/** Month texts of the years 1900..2199, made once each (fromMonthIndex is as hot as monthIndex). */
const NAMED_FROM = 1900 * 12;
const NAMED: (Month | undefined)[] = new Array(300 * 12);

export function fromMonthIndex(i: number): Month {
  const k = i - NAMED_FROM;
  const named = Number.isInteger(k) ? NAMED[k] : undefined;
  if (named !== undefined) return named;
  const y = Math.floor(i / 12);
  const mo = i - y * 12 + 1;
  const m = `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}` as Month;
  if (Number.isInteger(k) && k >= 0 && k < NAMED.length) NAMED[k] = m;
  return m;
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

/**
 * The months of `year` that have data, given a region's first and last month with data: the
 * month choice of a year. Empty when the year lies wholly before or after the data.
 */
export function dataMonthsOfYear(year: number, first: Month | null, last: Month | null): Month[] {
  if (first === null || last === null) return [];
  const from = first > makeMonth(year, 1) ? first : makeMonth(year, 1);
  const to = last < makeMonth(year, 12) ? last : makeMonth(year, 12);
  return from > to ? [] : monthRange(from, to);
}

/** The years from `from` to `to`, newest first (empty when `to` is before `from`). */
export function yearsBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = to; y >= from; y--) out.push(y);
  return out;
}

/** The calendar day of a date in Berlin, as YYYY-MM-DD (mutes last to the end of such a day). */
export function berlinDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Berlin',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
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
