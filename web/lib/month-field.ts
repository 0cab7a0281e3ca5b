/**
 * What the text of a month field means. The field takes a month as people write it ("04.2024",
 * "4/2024", "April 2024", "2024-04"; read by core/month-text, as the importer reads the same text
 * in a file) and shows it as "04.2024". A text field, not `<input type="month">`: Firefox and
 * Safari on the desktop have no month picker and showed a bare text box that wanted "2024-04", and
 * Chromium's picker formats through ICU when the page first renders (docs/benchmarks.md).
 */
import { formatMonth } from '../../core/format';
import { monthString, parseMonthText } from '../../core/month-text';

export type MonthFieldReading = { ok: true; month: string | null } | { ok: false; problem: string };

export const MONTH_FIELD_FORMAT = 'MM.JJJJ';

/** A bound of the field: the month, and what it is ("Beginn des Zeitraums") for the reason. */
export type MonthBound = { month: string | null | undefined; name?: string };

/** The month of `text` ('YYYY-MM'; null for an empty field) within `min`..`max`, or why not. */
export function readMonthField(
  text: string,
  bounds: { min?: MonthBound | undefined; max?: MonthBound | undefined } = {},
): MonthFieldReading {
  const t = text.trim();
  if (t === '') return { ok: true, month: null };
  const index = parseMonthText(t);
  if (index === null)
    return {
      ok: false,
      problem: `Kein gültiger Monat. Bitte als ${MONTH_FIELD_FORMAT} eingeben, z. B. 04.2024.`,
    };
  const month = monthString(index);
  const { min, max } = bounds;
  if (min?.month && month < min.month)
    return { ok: false, problem: boundProblem('vor', min.month, min.name) };
  if (max?.month && month > max.month)
    return { ok: false, problem: boundProblem('nach', max.month, max.name) };
  return { ok: true, month };
}

function boundProblem(side: 'vor' | 'nach', month: string, name: string | undefined): string {
  const when = formatMonth(month);
  if (name) return `Liegt ${side} dem ${name} (${when}).`;
  return side === 'vor' ? `Frühestens ${when}.` : `Spätestens ${when}.`;
}

/**
 * Whether a valid text is applied while it is typed: only a month written as the field shows it
 * ("04.2024"). Anything else waits until the field is left (or Enter): "1.2024" may be on its way
 * to "12.2024" (a month edited in place), "2024-1" to "2024-11", and an emptied field to a new
 * month.
 */
export function settledMonthText(text: string): boolean {
  return /^\d{2}\.\d{4}$/.test(text.trim());
}
