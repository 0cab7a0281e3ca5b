/**
 * Months as people write them: `2024-03`, `03.2024`, `3/2024`, `01.03.2024`, `März 2024`, … Read
 * by the importer (cells and labels of BA-style files) and by the month fields of the dashboard, so
 * that a month typed into a filter is read exactly as the same text in a file would be. Pure.
 */

const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

/** A month as a linear index, year × 12 + month − 1 (core/months' `monthIndex`). */
export type MonthIndex = number;

const MONTH_NAMES: Record<string, number> = {};
for (const [n, names] of [
  [1, 'januar jan jän jänner january'],
  [2, 'februar feb febr february'],
  [3, 'märz maerz mär mrz mar march'],
  [4, 'april apr'],
  [5, 'mai may'],
  [6, 'juni jun june'],
  [7, 'juli jul july'],
  [8, 'august aug'],
  [9, 'september sep sept'],
  [10, 'oktober okt oct october'],
  [11, 'november nov'],
  [12, 'dezember dez dec december'],
] as const) {
  for (const name of names.split(' ')) MONTH_NAMES[name] = n;
}

const ISO_MONTH = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/;
const SLASH_MONTH = /^(\d{1,2})\s*[/.]\s*(\d{4})$/;
const GERMAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const NAMED_MONTH = /^([A-Za-zÄÖÜäöüß]+)\.?\s+(\d{4})$/;

function toIndex(year: number, month: number): MonthIndex | null {
  if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) return null;
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  return year * 12 + month - 1;
}

/**
 * Parses `2024-03`, `2024-03-01`, `03/2024`, `3/2024`, `03.2024`, `01.03.2024`, `März 2024`,
 * `Mrz 2024`, `Mar 2024`, `Januar 2021`. Returns the month index or null (also for impossible
 * months like `2024-13` and years outside 1990–2100).
 */
export function parseMonthText(input: string): MonthIndex | null {
  const s = input.trim();
  if (s.length > 40) return null; // no month is spelled longer; keeps the patterns cheap
  let m = ISO_MONTH.exec(s);
  if (m) {
    if (m[3] !== undefined) {
      const day = Number(m[3]);
      if (day < 1 || day > 31) return null;
    }
    return toIndex(Number(m[1]), Number(m[2]));
  }
  m = SLASH_MONTH.exec(s);
  if (m) return toIndex(Number(m[2]), Number(m[1]));
  m = GERMAN_DATE.exec(s);
  if (m) {
    const day = Number(m[1]);
    if (day < 1 || day > 31) return null;
    return toIndex(Number(m[3]), Number(m[2]));
  }
  m = NAMED_MONTH.exec(s);
  if (m?.[1] !== undefined) {
    const n = MONTH_NAMES[m[1].toLowerCase()];
    return n === undefined ? null : toIndex(Number(m[2]), n);
  }
  return null;
}

/** A month index from a spreadsheet date cell (exceljs gives dates in UTC). */
export function monthOfDateCell(d: Date): MonthIndex | null {
  if (Number.isNaN(d.getTime())) return null;
  return toIndex(d.getUTCFullYear(), d.getUTCMonth() + 1);
}

/** 'YYYY-MM' for a month index (the same index as core/months). */
export { fromMonthIndex as monthString } from './months.js';
