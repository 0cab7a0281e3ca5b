/** The wizard's draft mapping (possibly incomplete) and its turn into a spec the server accepts. */
import { formatCount } from '../../../core/format';
import type { GridSpec, PreviewResponse } from './wizard-api';

export type Tool = 'month' | 'series' | 'region';
type Series = GridSpec['series'][number];

export interface Draft {
  sheet: string | null;
  monthAxis: 'rows' | 'columns';
  /** Column index (months down the rows) or row number (months across); null until chosen. */
  monthLine: number | null;
  series: Series[];
  region: GridSpec['region'] | null;
}

/** A complete draft as a spec; null while something is missing. */
export function toSpec(d: Draft): GridSpec | null {
  if (d.monthLine === null || d.series.length === 0 || d.region === null) return null;
  return {
    kind: 'grid',
    sheet: d.sheet,
    monthAxis: d.monthAxis,
    monthLine: d.monthLine,
    series: d.series,
    region: d.region,
    provisional: 'auto',
    provisionalLine: null,
  };
}

/** Starts from what the server detected: the first sheet with a month axis. */
export function draftFromPreview(p: PreviewResponse): Draft {
  const sheet = p.sheets.find((s) => s.monthAxis !== null) ?? p.sheets[0];
  const axis = sheet?.monthAxis ?? null;
  return {
    sheet: p.sheets.length > 1 ? (sheet?.name ?? null) : null,
    monthAxis: axis?.axis ?? 'rows',
    monthLine: axis === null ? null : axis.axis === 'rows' ? axis.column : axis.row,
    series: [],
    region: null,
  };
}

/**
 * A file-name pattern that next month's file also matches: runs of digits that look like a
 * year or month (2024, 202409, 2024-09, 09) become `*`. `lzb-segeberg-2024-09.csv` →
 * `lzb-segeberg-*.csv`.
 */
export function defaultPattern(fileName: string): string {
  return fileName.replace(/(?:19|20)\d{2}(?:[-_.]?\d{2}){0,2}/g, '*').replace(/\*(?:[-_.]?\*)+/g, '*');
}

/** Failing cells listed under the wizard's result (the count says how many there are in all). */
export const ISSUES_LISTED = 50;

/** "1.200 fehlerhafte Zellen (die ersten 50 unten)": every failing cell counted, not only those listed. */
export function issueCountText(count: number): string {
  const cells = count === 1 ? 'fehlerhafte Zelle' : 'fehlerhafte Zellen';
  const listed = count > ISSUES_LISTED ? ` (die ersten ${ISSUES_LISTED} unten)` : '';
  return `${formatCount(count)} ${cells}${listed}`;
}
