/**
 * The Monatswerte table renders a screenful of its page's rows at once and the rest on demand
 * ("Weitere Zeilen anzeigen"): 200 rows of about ten cells each were one long commit before the
 * page could answer (Lighthouse's total blocking time). Paging and the export stay server-side and
 * unchanged; this only decides how many of the fetched rows are in the DOM.
 */
import { formatCount } from '../../core/format';

/** Rows rendered at once and added per "Weitere Zeilen anzeigen": a year of the three genders. */
export const ROWS_AT_ONCE = 36;

/** How many rows to render after one more step: `ROWS_AT_ONCE` more, never more than the page has. */
export function moreRows(shown: number, onPage: number): number {
  return Math.min(onPage, shown + ROWS_AT_ONCE);
}

/**
 * The line above the table: how many rows the filters match, the page, how many of the page's rows
 * are shown (when not all), and that the export holds them all.
 */
export function rowCountText(a: {
  total: number;
  page: number;
  pages: number;
  shown: number;
  onPage: number;
}): string {
  const parts = [`${formatCount(a.total)} ${a.total === 1 ? 'Zeile' : 'Zeilen'}`];
  if (a.pages > 1) parts.push(`Seite ${a.page} von ${a.pages}`);
  if (a.shown < a.onPage)
    parts.push(
      a.pages > 1
        ? `${formatCount(a.shown)} von ${formatCount(a.onPage)} dieser Seite angezeigt`
        : `${formatCount(a.shown)} angezeigt`,
    );
  const all =
    a.pages > 1 || a.shown < a.onPage ? ` (der Export enthält alle ${formatCount(a.total)} Zeilen)` : '';
  return `${parts.join(', ')}${all}`;
}
