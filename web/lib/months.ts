/**
 * Month arithmetic on 'YYYY-MM' strings for the web. The web imports nothing from the server but
 * the `AppType` type, so this small copy of the month maths lives here.
 */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH_RE.test(s);
}

function index(m: string): number {
  const match = MONTH_RE.exec(m);
  if (!match) throw new RangeError(`not a month (YYYY-MM): ${m}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function fromIndex(i: number): string {
  const y = Math.floor(i / 12);
  return `${String(y).padStart(4, '0')}-${String(i - y * 12 + 1).padStart(2, '0')}`;
}

export function addMonths(m: string, n: number): string {
  return fromIndex(index(m) + n);
}

export function yearOfMonth(m: string): number {
  return Number(m.slice(0, 4));
}

/** Months of `year` from January up to and including `last` (or December). */
export function monthsOfYearUpTo(year: number, last: string | null): string[] {
  const out: string[] = [];
  for (let mo = 1; mo <= 12; mo++) {
    const m = `${year}-${String(mo).padStart(2, '0')}`;
    if (last !== null && m > last) break;
    out.push(m);
  }
  return out;
}

/** The years from `from` to `to`, newest first. */
export function yearsBetween(from: number, to: number): number[] {
  const out: number[] = [];
  for (let y = to; y >= from; y--) out.push(y);
  return out;
}
