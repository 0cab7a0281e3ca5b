/**
 * Tolerant parsing of the single values people put into BA-style files: German numbers, months in
 * the usual spellings (core/month-text), genders in German or English, and the BA markers `*`,
 * `-`, `X`.
 * Pure functions; callers turn a failed parse into an error that names the file position.
 */
import type { Gender, ValueFlag } from '../server/domain/types.js';

export { type MonthIndex, monthOfDateCell, monthString, parseMonthText } from '../core/month-text.js';

const GENDERS: Record<string, Gender> = {
  total: 'total',
  insgesamt: 'total',
  gesamt: 'total',
  alle: 'total',
  zusammen: 'total',
  female: 'female',
  frauen: 'female',
  weiblich: 'female',
  frau: 'female',
  w: 'female',
  f: 'female',
  male: 'male',
  männer: 'male',
  maenner: 'male',
  männlich: 'male',
  maennlich: 'male',
  mann: 'male',
  m: 'male',
};

/** insgesamt/gesamt/total, Frauen/weiblich/female, Männer/Maenner/männlich/male (any case). */
export function parseGender(input: string): Gender | null {
  return GENDERS[input.trim().toLowerCase()] ?? null;
}

export const GENDER_WORDS = 'insgesamt, Frauen, Männer (oder total, female, male)';

/** BA markers: `*` suppressed, `-` (also – and —) nothing, `X`/`x` not possible. */
export function parseMarker(input: string): ValueFlag | null {
  switch (input.trim()) {
    case '*':
      return '*';
    case '-':
    case '–':
    case '—':
      return '-';
    case 'X':
    case 'x':
      return 'X';
    default:
      return null;
  }
}

const THOUSANDS_DOT = /^[1-9]\d{0,2}(?:\.\d{3})+$/;
const COMMA_DECIMAL = /^(?:[1-9]\d{0,2}(?:\.\d{3})+|\d+),\d+$/;
const DOT_DECIMAL = /^\d+\.\d+$/;
const PLAIN_INT = /^\d+$/;

/**
 * A German-formatted number: `1.527` → 1527 (`.` groups of three are thousands), `14,7` → 14.7,
 * `1.527,25` → 1527.25, `-3,2` / `−3,2` / `+1,1` signed, optional trailing `%`, spaces and
 * non-breaking spaces ignored. A lone `.` that is not a thousands group is a decimal point
 * (`14.7` → 14.7). Returns NaN when the text is no number (e.g. `12,3,4`).
 */
export function parseGermanNumber(input: string): number {
  // Fast path: plain digits (the bulk of every file).
  const n = input.length;
  if (n > 0 && n < 16) {
    let v = 0;
    let i = 0;
    for (; i < n; i++) {
      const c = input.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    if (i === n) return v;
  }
  let s = input.replace(/[\s\u00A0\u202F]+/g, '');
  if (s.endsWith('%')) s = s.slice(0, -1);
  let sign = 1;
  const first = s.charAt(0);
  if (first === '-' || first === '−' || first === '+') {
    if (first !== '+') sign = -1;
    s = s.slice(1);
  }
  if (s === '') return Number.NaN;
  if (PLAIN_INT.test(s)) return sign * Number(s);
  if (s.includes(',')) {
    if (!COMMA_DECIMAL.test(s)) return Number.NaN;
    return sign * Number(s.replace(/\./g, '').replace(',', '.'));
  }
  if (THOUSANDS_DOT.test(s)) return sign * Number(s.replace(/\./g, ''));
  if (DOT_DECIMAL.test(s)) return sign * Number(s);
  return Number.NaN;
}

const SUPERSCRIPT_DIGITS = /[\u00B9\u00B2\u00B3\u2070-\u2079]+/g;

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Drops trailing footnote markers (` 1)`, ` 2) 4)`) and trailing blanks. A scan from the end,
 * linear in the length: a regular expression for this backtracks quadratically on a label padded
 * with 150,000 spaces.
 */
export function stripFootnotes(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  for (;;) {
    if (end < 3 || s.charCodeAt(end - 1) !== 41 /* ) */) break;
    let d = end - 1;
    while (d > 0 && end - 1 - d < 3) {
      const c = s.charCodeAt(d - 1);
      if (c < 48 || c > 57) break;
      d--;
    }
    const digits = end - 1 - d;
    if (digits < 1 || digits > 2 || d === 0 || !isSpace(s.charCodeAt(d - 1))) break;
    end = d;
    while (end > 0 && isSpace(s.charCodeAt(end - 1))) end--;
  }
  return end === s.length ? s : s.slice(0, end);
}

/** A label without superscript digits (`¹`) and trailing footnote markers (` 1)`). */
export function stripMarkers(input: string): string {
  return stripFootnotes(input.replace(SUPERSCRIPT_DIGITS, ''));
}

/**
 * Normalises a header or title label: strips footnote markers (` 1)`, `¹`, `1)` at the end),
 * collapses whitespace (also line breaks inside spreadsheet cells), lower-cases. Linear time.
 */
export function normalizeLabel(input: string): string {
  return stripMarkers(input).replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A region key as stored: digits and letters (e.g. '01060', '36201'); null when not acceptable. */
/** A region key as files and mappings may give it: letters and digits, then also '_', '.', '-'. */
export const REGION_KEY_RE = /^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$/;

export function parseRegionKey(input: string): string | null {
  const s = input.trim();
  return REGION_KEY_RE.test(s) ? s : null;
}

/**
 * A region key from a file's cell, with the leading zero back that a spreadsheet dropped:
 * '1062' (Excel's 01062 saved as CSV) is '01062' when keys have `digits` (5) digits, as a numeric
 * xlsx cell 1062 already was. Other keys as parseRegionKey gives them.
 */
export function parseFileRegionKey(input: string, digits = 5): string | null {
  const key = parseRegionKey(input);
  return key !== null && key.length === digits - 1 && /^\d+$/.test(key) ? `0${key}` : key;
}
