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

/** The month of `text` ('YYYY-MM'; null for an empty field) within `min`..`max`, or why not. */
export function readMonthField(
  text: string,
  bounds: { min?: string | null | undefined; max?: string | null | undefined } = {},
): MonthFieldReading {
  const t = text.trim();
  if (t === '') return { ok: true, month: null };
  const index = parseMonthText(t);
  if (index === null)
    return { ok: false, problem: `Kein Monat: bitte als ${MONTH_FIELD_FORMAT} eingeben, z. B. 04.2024.` };
  const month = monthString(index);
  if (bounds.min && month < bounds.min)
    return { ok: false, problem: `Frühestens ${formatMonth(bounds.min)}.` };
  if (bounds.max && month > bounds.max)
    return { ok: false, problem: `Spätestens ${formatMonth(bounds.max)}.` };
  return { ok: true, month };
}

/**
 * Whether a valid text may be applied while it is being typed. "2024-1" is January, but its writer
 * may be on the way to "2024-11": such a text is applied when the field is left (or on Enter).
 */
export function settledMonthText(text: string): boolean {
  return !/^\d{4}\s*-\s*\d$/.test(text.trim());
}
