/**
 * The one de-DE formatter: numbers, percents, months and dates, used by the dashboard, the
 * charts, the exports and the e-mails alike. Pure (no React, no DOM), so the server imports it too.
 */

import { GENDER_TEXT, type GoalStatus, type GoalUnit, STATUS_TEXT } from './vocabulary.js';

const TZ = 'Europe/Berlin';
/** The German month names, January first. */
export const MONTH_NAMES = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
] as const;

/**
 * Made on first use: building an Intl formatter (the date ones load time-zone data) costs
 * milliseconds, paid at start-up by every process that imports this module, most of which (the
 * ETL command line and its worker) format a handful of numbers.
 */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

const intFmt = lazy(() => new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 }));
const decFmt = new Map<number, Intl.NumberFormat>();
function dec(digits: number): Intl.NumberFormat {
  let f = decFmt.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    decFmt.set(digits, f);
  }
  return f;
}

/** Placeholder shown where a value is missing. */
export const DASH = '–';

/** A count: 1527 → "1.527". */
export function formatCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? DASH : intFmt().format(n);
}

/** A decimal number: 1527.25 → "1.527,3" (1 digit by default). */
export function formatNumber(n: number | null | undefined, digits = 1): string {
  return n == null || !Number.isFinite(n) ? DASH : dec(digits).format(n);
}

/** A rate or share in percent: 14.734 → "14,7 %". */
export function formatPercent(n: number | null | undefined, digits = 1): string {
  return n == null || !Number.isFinite(n) ? DASH : `${dec(digits).format(n)} %`;
}

/** A relative change in percent, always signed: 1.1 → "+1,1 %", -0.4 → "−0,4 %", 0 → "±0,0 %". */
export function formatChange(n: number | null | undefined, digits = 1): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  const abs = dec(digits).format(Math.abs(n));
  // Compare the rounded figure so that -0.04 does not read "−0,0 %".
  if (Number(Math.abs(n).toFixed(digits)) === 0) return `±${abs} %`;
  return `${n > 0 ? '+' : '−'}${abs} %`;
}

/** A month 'YYYY-MM' → "Juni 2024". */
export function formatMonth(month: string | null | undefined): string {
  if (!month) return DASH;
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const idx = m ? Number(m[2]) - 1 : -1;
  return m && idx >= 0 && idx < 12 ? `${MONTH_NAMES[idx]} ${m[1]}` : month;
}

/** A short month for chart axes: 'YYYY-MM' → "Jun." / with year "Jun. 2024". */
export function formatMonthShort(month: string, withYear = false): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const name = MONTH_NAMES[Number(m[2]) - 1] ?? '';
  const short = name.length > 4 ? `${name.slice(0, 3)}.` : name;
  return withYear ? `${short} ${m[1]}` : short;
}

/** The German month name for 1..12. */
export function monthName(monthOfYear: number): string {
  return MONTH_NAMES[monthOfYear - 1] ?? String(monthOfYear);
}

function toDate(d: Date | string): Date {
  return typeof d === 'string' ? new Date(d) : d;
}

const DAY = { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' } as const;
const dateFmt = lazy(() => new Intl.DateTimeFormat('de-DE', DAY));
const dateTimeFmt = lazy(
  () => new Intl.DateTimeFormat('de-DE', { ...DAY, hour: '2-digit', minute: '2-digit' }),
);
const timeFmt = lazy(
  () => new Intl.DateTimeFormat('de-DE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' }),
);

/** A date → "04.07.2024" (Europe/Berlin). */
export function formatDate(d: Date | string | null | undefined): string {
  if (d == null) return DASH;
  const date = toDate(d);
  return Number.isNaN(date.getTime()) ? DASH : dateFmt().format(date);
}

/** A timestamp → "04.07.2024, 06:00" (Europe/Berlin). */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (d == null) return DASH;
  const date = toDate(d);
  return Number.isNaN(date.getTime()) ? DASH : dateTimeFmt().format(date);
}

/** A time of day → "06:00" (Europe/Berlin). */
export function formatTime(d: Date | string): string {
  const date = toDate(d);
  return Number.isNaN(date.getTime()) ? DASH : timeFmt().format(date);
}

/** The status union under the name the web helpers use. */
export type StatusWord = GoalStatus;
export { GENDER_TEXT, STATUS_TEXT };

/** The sample-data label shown wherever sample data appear. */
export function sampleLabel(asOf: string | null | undefined): string {
  return asOf ? `Beispieldaten, Stand ${formatMonth(asOf)}` : 'Beispieldaten';
}

/**
 * An amount in euros: whole euros with thousands dots, 6400000 → "6.400.000 €"; `compact` from a
 * million on in millions with two decimals, 1234567 → "1,23 Mio €" (for cards and the wall).
 */
export function formatEuro(n: number | null | undefined, opts: { compact?: boolean } = {}): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  if (opts.compact && Math.abs(n) >= 1e6) return `${dec(2).format(n / 1e6)} Mio €`;
  return `${intFmt().format(n)} €`;
}

/**
 * A goal's value in its unit (the API's `unit`): counts "1.527" (rounded to whole ones), places
 * "135,3" (a mean occupancy; whole numbers without decimals), euros as formatEuro, percent "14,73 %".
 */
export function formatGoalValue(
  n: number | null | undefined,
  unit: GoalUnit,
  opts: { compact?: boolean } = {},
): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  switch (unit) {
    case 'eur':
      return formatEuro(n, opts);
    case 'percent':
      return formatPercent(n, 2);
    case 'places':
      return Number.isInteger(n) ? formatCount(n) : formatNumber(n, 1);
    default:
      // Counts are whole: a path or forecast of 191,04 entries reads "191".
      return formatCount(n);
  }
}

/**
 * What a plan still asks for, in words: "noch 84 Eintritte FbW bis Dezember, 28 je Monat",
 * "noch 1,93 Mio € bis Dezember, 0,64 Mio € je Monat", "Jahresplan erreicht". `what` names the
 * counted thing (the indicator's name); euros need no noun.
 */
export function formatPace(
  pace: { total: number; months: number; perMonth: number },
  unit: GoalUnit,
  what: string,
): string {
  const amount = (n: number) => {
    if (unit === 'eur') return formatEuro(n, { compact: true });
    return Math.abs(n) >= 10 || Number.isInteger(n) ? formatCount(Math.round(n)) : formatNumber(n, 1);
  };
  const noun = unit === 'eur' ? '' : ` ${what}`;
  if (pace.total <= 0) {
    return pace.total === 0
      ? 'Jahresplan erreicht'
      : `Jahresplan um ${amount(-pace.total)}${noun} überschritten`;
  }
  return `noch ${amount(pace.total)}${noun} bis Dezember, ${amount(pace.perMonth)} je Monat`;
}

/** A range of changes: (0.94, 2.61) → "+0,9 … +2,6 %" (one unit sign at the end). */
export function formatChangeRange(
  low: number | null | undefined,
  high: number | null | undefined,
  digits = 1,
): string {
  if (low == null || high == null || !Number.isFinite(low) || !Number.isFinite(high)) return DASH;
  return `${formatChange(low, digits).replace(/ %$/, '')} … ${formatChange(high, digits)}`;
}

/** A difference in percentage points, always signed: 3.33 → "+3,3 Prozentpunkte". */
export function formatPercentPoints(n: number | null | undefined, digits = 1): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  return `${formatChange(n, digits).replace(/ %$/, '')} Prozentpunkte`;
}

/** A share 0..1 as a whole percent: 0.724 → "72 %". */
export function formatShare(p: number | null | undefined): string {
  return p == null || !Number.isFinite(p) ? DASH : formatPercent(p * 100, 0);
}
