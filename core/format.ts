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
 * de-DE numbers and Europe/Berlin times are written here, not by `Intl`: a page's first `Intl`
 * formatter initialises ICU (19–29 ms in Chromium, a time-zone date format 36 ms; about four times
 * that on the phone Lighthouse simulates), inside the task that first renders the overview's
 * figures. The output is Intl's own, character for character: tests/unit/format-intl.test.ts
 * compares both over the values and instants that matter. Intl stays the fallback for instants
 * outside the years whose Berlin rule is written out below.
 */

/**
 * |x| rounded to `digits` fraction digits as ICU rounds (what `Intl.NumberFormat` shows): the
 * shortest decimal that reads back as x (`String(x)`), rounded half away from zero, so that 1.005
 * gives "1,01" where `toFixed` gives "1.00"; thousands grouped with dots, decimal comma, a minus
 * (U+002D) for negative numbers and negative zero, as Intl's signDisplay "auto".
 */
function formatFixed(x: number, digits: number): string {
  const text = String(Math.abs(x));
  const e = text.indexOf('e');
  const mantissa = e < 0 ? text : text.slice(0, e);
  const dot = mantissa.indexOf('.');
  let all = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // The number is 0.all × 10^point: `point` digits of `all` stand before the decimal point.
  let point = (dot < 0 ? mantissa.length : dot) + (e < 0 ? 0 : Number(text.slice(e + 1)));
  if (point <= 0) {
    all = '0'.repeat(1 - point) + all;
    point = 1;
  }
  const keep = point + digits;
  let kept = all.length <= keep ? all + '0'.repeat(keep - all.length) : all.slice(0, keep);
  if (all.length > keep && all.charCodeAt(keep) >= 53 /* '5' */) kept = incremented(kept);
  const intEnd = kept.length - digits;
  const int = kept.slice(0, intEnd).replace(/^0+(?=\d)/, '');
  let grouped = int.slice(0, ((int.length - 1) % 3) + 1);
  for (let i = grouped.length; i < int.length; i += 3) grouped += `.${int.slice(i, i + 3)}`;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return digits > 0 ? `${sign}${grouped},${kept.slice(intEnd)}` : `${sign}${grouped}`;
}

/** A string of decimal digits plus one in its last place ("199" → "200", "99" → "100"). */
function incremented(digitsText: string): string {
  let i = digitsText.length - 1;
  while (i >= 0 && digitsText[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(digitsText.length)}`;
  return `${digitsText.slice(0, i)}${String.fromCharCode(digitsText.charCodeAt(i) + 1)}${'0'.repeat(digitsText.length - i - 1)}`;
}

/** Placeholder shown where a value is missing. */
export const DASH = '–';

/** A count: 1527 → "1.527". */
export function formatCount(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? DASH : formatFixed(n, 0);
}

/** Slack for floating-point noise before rounding up or down (203.0000000001 is 203). */
const slack = (n: number) => 1e-9 * Math.max(1, Math.abs(n));

/**
 * A count still needed, rounded up: 202.46 integrations more → "203" (202 would fall short).
 * `digits` decimals for small averages: 2.31 → "2,4".
 */
export function formatCountAtLeast(n: number | null | undefined, digits = 0): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  const f = 10 ** digits;
  return formatFixed(Math.ceil(n * f - slack(n * f)) / f, digits);
}

/** A count allowed at most, rounded down: an average of at most 3,584.58 → "3.584" (3.585 is over). */
export function formatCountAtMost(n: number | null | undefined): string {
  return n == null || !Number.isFinite(n) ? DASH : formatFixed(Math.floor(n + slack(n)), 0);
}

/** A decimal number: 1527.25 → "1.527,3" (1 digit by default). */
export function formatNumber(n: number | null | undefined, digits = 1): string {
  return n == null || !Number.isFinite(n) ? DASH : formatFixed(n, digits);
}

/** A rate or share in percent: 14.734 → "14,7 %". */
export function formatPercent(n: number | null | undefined, digits = 1): string {
  return n == null || !Number.isFinite(n) ? DASH : `${formatFixed(n, digits)} %`;
}

/** A relative change in percent, always signed: 1.1 → "+1,1 %", -0.4 → "−0,4 %", 0 → "±0,0 %". */
export function formatChange(n: number | null | undefined, digits = 1): string {
  if (n == null || !Number.isFinite(n)) return DASH;
  const abs = formatFixed(Math.abs(n), digits);
  // The figure as written decides (one rounding), so that -0.04 does not read "−0,0 %".
  if (/^[0.,]+$/.test(abs)) return `±${abs} %`;
  return `${n > 0 ? '+' : '−'}${abs} %`;
}

/**
 * A change and its target side by side, with as many decimals as it takes for them to read as
 * they compare: at least `minDigits` (1), the target's own decimals (a target of +1,25 % is not
 * "+1,3 %"), and one more, up to 3, while a change that is not the target would read the same
 * (−0,406 % against a target of −0,4 % is "−0,41 %", not "−0,4 %" beside "gefährdet").
 */
export function formatChangePair(
  changePct: number | null | undefined,
  targetPct: number,
  minDigits = 1,
): { change: string; target: string } {
  const targetDigits = (String(Number(targetPct.toFixed(3))).split('.')[1] ?? '').length;
  let digits = Math.max(minDigits, Math.min(targetDigits, 3));
  if (changePct != null && Number.isFinite(changePct) && changePct !== targetPct) {
    while (digits < 3 && formatChange(changePct, digits) === formatChange(targetPct, digits)) digits++;
  }
  return { change: formatChange(changePct, digits), target: formatChange(targetPct, digits) };
}

/** The year and month texts of a 'YYYY-MM' month ("2024", "06"), or null. */
function monthParts(month: string): [year: string, month: string] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m?.[1] && m[2] ? [m[1], m[2]] : null;
}

/** A month 'YYYY-MM' → "Juni 2024". */
export function formatMonth(month: string | null | undefined): string {
  if (!month) return DASH;
  const m = monthParts(month);
  const idx = m ? Number(m[1]) - 1 : -1;
  return m && idx >= 0 && idx < 12 ? `${MONTH_NAMES[idx]} ${m[0]}` : month;
}

/**
 * The Datenstand: the newest month with integrations, eLb and LZB, or what is missing when no
 * month has all three (a region with only some series loaded), instead of a bare dash. Not on the
 * wall: its header shows the month before the goals arrive, and a long text there shifts the layout.
 */
export function formatDataMonth(month: string | null | undefined): string {
  return month ? formatMonth(month) : 'noch kein Monat mit Integrationen, eLb und LZB';
}

/** A month 'YYYY-MM' as Germans type it into a field: "06.2024" ('' for none). */
export function formatMonthNumeric(month: string | null | undefined): string {
  const m = month ? monthParts(month) : null;
  return m ? `${m[1]}.${m[0]}` : (month ?? '');
}

/** A short month for chart axes: 'YYYY-MM' → "Jun." / with year "Jun. 2024". */
export function formatMonthShort(month: string, withYear = false): string {
  const m = monthParts(month);
  if (!m) return month;
  const name = MONTH_NAMES[Number(m[1]) - 1] ?? '';
  const short = name.length > 4 ? `${name.slice(0, 3)}.` : name;
  return withYear ? `${short} ${m[0]}` : short;
}

/** The German month name for 1..12. */
export function monthName(monthOfYear: number): string {
  return MONTH_NAMES[monthOfYear - 1] ?? String(monthOfYear);
}

function toDate(d: Date | string): Date {
  return typeof d === 'string' ? new Date(d) : d;
}

/**
 * Europe/Berlin's offset from UTC in ms at `t`, by the EU rule (summer time from the last Sunday
 * of March to the last Sunday of October, both at 01:00 UTC), which the time-zone database gives
 * Berlin from 1996 on and, as of today's database, for every later year; null outside
 * FIRST_RULE_YEAR..LAST_RULE_YEAR. Should the EU end the changes of time, this rule must follow
 * (browsers and node would get it with their time-zone data, this code would not):
 * tests/unit/format-intl.test.ts compares it with the running node's Intl, so it fails once that
 * data knows the new rule.
 */
function berlinOffsetMs(t: number): number | null {
  const year = new Date(t).getUTCFullYear();
  if (year < FIRST_RULE_YEAR || year > LAST_RULE_YEAR) return null;
  const summer = t >= lastSundayOneUtc(year, 2) && t < lastSundayOneUtc(year, 9);
  return (summer ? 2 : 1) * 3_600_000;
}
const FIRST_RULE_YEAR = 1996;
const LAST_RULE_YEAR = 2099;

/** 01:00 UTC on the last Sunday of `month0` (0-based) of `year`, in ms. */
function lastSundayOneUtc(year: number, month0: number): number {
  const lastDay = new Date(Date.UTC(year, month0 + 1, 0));
  return Date.UTC(year, month0, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** The wall-clock fields of `date` in Berlin, or null where the rule above does not reach. */
function berlinClock(date: Date): { day: string; time: string } | null {
  const t = date.getTime();
  const offset = berlinOffsetMs(t);
  if (offset === null) return null;
  const local = new Date(t + offset);
  return {
    day: `${two(local.getUTCDate())}.${two(local.getUTCMonth() + 1)}.${local.getUTCFullYear()}`,
    time: `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}`,
  };
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
const DAY = { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' } as const;
/** Intl for instants outside the written-out rule's years (made only when one is met). */
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
  if (Number.isNaN(date.getTime())) return DASH;
  return berlinClock(date)?.day ?? dateFmt().format(date);
}

/** A timestamp → "04.07.2024, 06:00" (Europe/Berlin). */
export function formatDateTime(d: Date | string | null | undefined): string {
  if (d == null) return DASH;
  const date = toDate(d);
  if (Number.isNaN(date.getTime())) return DASH;
  const clock = berlinClock(date);
  return clock ? `${clock.day}, ${clock.time}` : dateTimeFmt().format(date);
}

/** A time of day → "06:00" (Europe/Berlin). */
export function formatTime(d: Date | string): string {
  const date = toDate(d);
  if (Number.isNaN(date.getTime())) return DASH;
  return berlinClock(date)?.time ?? timeFmt().format(date);
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
  if (opts.compact && Math.abs(n) >= 1e6) return `${formatFixed(n / 1e6, 2)} Mio €`;
  return `${formatFixed(n, 0)} €`;
}

/**
 * A goal's value in its unit (the API's `unit`): counts "1.527", and a path or forecast between
 * whole ones with one decimal ("42,4": rounded to "42" it read as on the plan beside "−0,9 % zum
 * Plan"); places "135,3" (a mean occupancy; whole numbers without decimals), euros as
 * formatEuro, percent "14,73 %".
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
    default: {
      // Whole up to floating-point noise (a path of 55 × 47/47): no decimals.
      const whole = Math.round(n);
      return Math.abs(n - whole) <= slack(n) ? formatCount(whole) : formatNumber(n, 1);
    }
  }
}

/**
 * What a plan still asks for, in words: "noch 84 Eintritte FbW bis Dezember, 28 je Monat",
 * "noch 1,93 Mio € bis Dezember, 0,64 Mio € je Monat", "Jahresplan erreicht". `what` names the
 * counted thing (the indicator's name); euros need no noun. A profiled path (`pathNext`) makes
 * the monthly figure an average and names the path's next step: "noch 2 Eintritte BaE bis
 * Dezember, im Schnitt 0,3 je Monat; laut Planpfad noch 2 bis September 2024" (not when that step is
 * December: then it is the total again).
 */
export function formatPace(
  pace: {
    total: number;
    months: number;
    perMonth: number;
    pathNext?: { month: string; needed: number } | null;
  },
  unit: GoalUnit,
  what: string,
): string {
  // Whole numbers from 10 on, one decimal below. What is still needed is rounded up, so that the
  // amount shown is enough (75.33 a month → 76); an amount over the plan to nearest.
  const amount = (n: number, up = false) => {
    if (unit === 'eur') return formatEuro(n, { compact: true });
    const digits = Math.abs(n) >= 10 || Number.isInteger(n) ? 0 : 1;
    return up ? formatCountAtLeast(n, digits) : formatNumber(n, digits);
  };
  const needed = (n: number) => amount(n, true);
  const noun = unit === 'eur' ? '' : ` ${what}`;
  if (pace.total <= 0) {
    return pace.total === 0
      ? 'Jahresplan erreicht'
      : `Jahresplan um ${amount(-pace.total)}${noun} überschritten`;
  }
  const head = `noch ${needed(pace.total)}${noun} bis Dezember`;
  const step = pace.pathNext;
  if (!step || step.month.endsWith('-12')) return `${head}, ${needed(pace.perMonth)} je Monat`;
  return `${head}, im Schnitt ${needed(pace.perMonth)} je Monat; laut Planpfad noch ${needed(step.needed)} bis ${formatMonth(step.month)}`;
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
