/**
 * CSV as German Excel reads it on double-click: UTF-8 with BOM, `;` separators, CRLF line ends,
 * decimal comma without thousands separators (so Excel parses numbers back as numbers), and
 * formula injection neutralised.
 */
import type { MonthColumn, MonthRow } from '../goals/month-rows.js';
import {
  type Cell,
  COLUMN_HEADERS,
  cellOf,
  type ExportRegion,
  exportNote,
  provisionalNote,
} from './columns.js';

const BOM = '\uFEFF';
/** Characters that make Excel (or LibreOffice) treat a cell as a formula or a DDE command. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** The BA markers are our own fixed vocabulary; a lone "-" is not a formula. */
const MARKERS = new Set(['*', '-', 'X']);

/**
 * Neutralises text that a spreadsheet would execute: a leading `=`, `+`, `-`, `@`, tab or CR gets
 * an apostrophe in front (OWASP "CSV injection"), so it shows as text.
 */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !MARKERS.has(s) ? `'${s}` : s;
}

/**
 * A number with decimal comma, no thousands separator, at most 10 decimals and 15 significant
 * digits, no exponent. The 15 digits drop binary noise: 1246628.57 as a sum of euro amounts is
 * 1246628.5700000001 in binary, and `toFixed(10)` printed that noise.
 */
export function csvNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const r = Number(n.toPrecision(15));
  let text = String(r);
  if (text.includes('e') || text.length - text.indexOf('.') - 1 > 10) {
    text = r.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  }
  return text.replace('.', ',');
}

function quote(s: string): string {
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function renderCell(cell: Cell): string {
  return cell.kind === 'number' ? csvNumber(cell.value) : quote(neutraliseFormula(cell.value));
}

export function monthRowsToCsv(
  rows: readonly MonthRow[],
  columns: readonly MonthColumn[],
  region: ExportRegion,
): string {
  const lines = [columns.map((c) => quote(COLUMN_HEADERS[c])).join(';')];
  for (const row of rows) lines.push(columns.map((c) => renderCell(cellOf(row, c, region))).join(';'));
  const notes = [provisionalNote(rows), exportNote(region)].filter((n): n is string => n !== null);
  // After a blank line, as the BA closes its tables with a footer.
  if (notes.length > 0) lines.push('', ...notes.map((n) => quote(neutraliseFormula(n))));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

/** A safe download name: ASCII letters, digits, '-', '_' and '.', nothing else. */
export function exportFileName(
  regionId: string,
  from: string | undefined,
  to: string | undefined,
  ext: 'csv' | 'xlsx',
  sample = false,
): string {
  const parts = ['zielmonitor-monatswerte', regionId, from, to, sample ? 'beispieldaten' : undefined].filter(
    (p): p is string => p !== undefined,
  );
  const base = parts
    .join('_')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(0, 120);
  return `${base}.${ext}`;
}

/** Plain text rows (the audit log) as CSV the same way: BOM, `;`, CRLF, formulas neutralised. */
export function textRowsToCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => cells.map((s) => quote(neutraliseFormula(s))).join(';');
  return `${BOM}${[line(header), ...rows.map(line)].join('\r\n')}\r\n`;
}
