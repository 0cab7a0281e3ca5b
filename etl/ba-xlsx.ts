/** Turns an xlsx workbook (exceljs) or a BA-layout CSV into sheets of plain cells for ba.ts. */

import { count, DEFAULT_LIMITS, type ImportLimits } from '../core/limits.js';
import { columnLetter } from '../core/spreadsheet.js';
import { type Cell, type MergedCell, mergeKey, parseBaSheets, type Sheet } from './ba.js';
import { CsvReader, isBlankRecord, type Separator } from './csv.js';
import { loadMapping } from './mapping.js';
import type { ParseContext } from './parse-context.js';
import type { ParsedFile } from './rows.js';
import { FileRejection } from './types.js';
import { checkXlsx } from './xlsx-guard.js';

function plain(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) {
      return v.richText
        .map((r: unknown) => (typeof r === 'object' && r !== null && 'text' in r ? String(r.text) : ''))
        .join('');
    }
    if ('result' in v) return plain(v.result); // formula: its cached result
    if ('formula' in v || 'sharedFormula' in v) return null;
    if ('text' in v) return plain(v.text); // hyperlink
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

/**
 * The visible sheets of an xlsx as plain cells. The file is checked against the limits first
 * (xlsx-guard.ts), and only rows that exist are visited: a sheet with one cell in row 1,048,576
 * costs one row, not a million.
 */
export async function readWorkbook(
  bytes: Uint8Array,
  limits: ImportLimits = DEFAULT_LIMITS,
): Promise<Sheet[]> {
  checkXlsx(bytes, limits);
  // exceljs (~28 MB resident) is loaded with the first workbook, not with the server: BA-layout
  // CSV files and canonical CSV never need it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    await wb.xlsx.load(copy, { ignoreNodes: IGNORED_SHEET_PARTS });
  } catch {
    // exceljs' own messages are JavaScript internals ("Cannot read properties of undefined").
    throw new FileRejection('keine lesbare .xlsx-Datei: der Inhalt ist beschädigt');
  }
  const sheets: Sheet[] = [];
  wb.eachSheet((ws) => {
    // What Excel shows is what is imported: a hidden sheet (helper data, an old copy) is neither
    // read as figures nor a reason to refuse the file the person sees.
    if (ws.state === 'hidden' || ws.state === 'veryHidden') return;
    const rows: Cell[][] = [];
    const rowNumbers: number[] = [];
    const merged = new Map<number, MergedCell>();
    let previous = 0;
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      // Rows in between are empty: one empty row keeps "a blank line ends the table" intact.
      if (r > previous + 1) {
        rows.push([]);
        rowNumbers.push(previous + 1);
      }
      previous = r;
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (cell.type === ExcelJS.ValueType.Formula && cell.result === undefined) uncomputed(ws.name, r, col);
        if (cell.type === ExcelJS.ValueType.Merge) {
          // Stored empty, as in the file; keys and labels merged down are read through keyCell.
          cells[col - 1] = null;
          const master = cell.master;
          merged.set(mergeKey(r, col - 1), {
            master: master.address,
            down: Number(master.col) === col && Number(master.row) < r,
            value: asShown(
              cellValue(master.value, ws.name, Number(master.row), Number(master.col), limits),
              master.numFmt,
            ),
          });
          return;
        }
        cells[col - 1] = asShown(cellValue(cell.value, ws.name, r, col, limits), cell.numFmt);
      });
      for (let c = 0; c < cells.length; c++) if (cells[c] === undefined) cells[c] = null;
      rows.push(cells);
      rowNumbers.push(r);
    });
    sheets.push({ name: ws.name, rows, rowNumbers, ...(merged.size > 0 ? { merged } : {}) });
  });
  return sheets;
}

/**
 * Parts of a worksheet the import never reads, skipped while exceljs parses: besides the time,
 * some expand ranges into one entry per cell (a data validation over `A1:XFD1048576` in a 7 KB
 * file kept the import worker busy for minutes until its heap ran out). Kept: the cells
 * (sheetData), the merged ranges (checked by xlsx-guard) and the sheet's properties.
 */
const IGNORED_SHEET_PARTS = [
  'dimension',
  'sheetViews',
  'sheetFormatPr',
  'cols',
  'autoFilter',
  'rowBreaks',
  'hyperlinks',
  'pageMargins',
  'dataValidations',
  'pageSetup',
  'headerFooter',
  'printOptions',
  'picture',
  'drawing',
  'sheetProtection',
  'tableParts',
  'conditionalFormatting',
  'extLst',
];

/**
 * A formula without a stored result: the file was written by a tool that does not calculate (a
 * script, an export library), so what Excel would show is not in it. Read as empty it would be
 * reported as an empty cell or, in a key column, silently read as none; so it refuses the file,
 * in any visible sheet, with what to do.
 */
function uncomputed(sheet: string, row: number, col: number): never {
  throw new FileRejection(
    `Zelle ${columnLetter(col - 1)}${row} enthält eine Formel ohne gespeichertes Ergebnis: Datei in Excel öffnen, neu berechnen und speichern`,
    sheet,
    row,
    columnLetter(col - 1),
  );
}

/** Whether a number format shows its number as a percentage (a `%` outside quotes and brackets). */
export function isPercentFormat(numFmt: string | undefined): boolean {
  if (!numFmt?.includes('%')) return false;
  return numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '').includes('%');
}

/**
 * A number as the sheet shows it: a cell formatted as a percentage holds the fraction (0.249 for
 * "24,9 %"), and the BA's rates are percentages (K2_BA 24.9). Other cells as they are.
 */
function asShown(c: Cell, numFmt: string | undefined): Cell {
  return typeof c === 'number' && isPercentFormat(numFmt) ? Number((c * 100).toPrecision(12)) : c;
}

function cellValue(v: unknown, sheet: string, row: number, col: number, limits: ImportLimits): Cell {
  const where = () => `Zelle ${columnLetter(col - 1)}${row}`;
  let c: Cell;
  try {
    c = plain(v);
  } catch {
    throw new FileRejection(`${where()}: beschädigter Zellinhalt`, sheet, row, columnLetter(col - 1));
  }
  if (c instanceof Date && Number.isNaN(c.getTime())) {
    throw new FileRejection(`${where()}: ungültiges Datum`, sheet, row, columnLetter(col - 1));
  }
  if (typeof c === 'string' && c.length > limits.maxCellChars) {
    throw new FileRejection(
      `${where()} hat mehr als ${count(limits.maxCellChars)} Zeichen (Grenze MAX_CELL_CHARS)`,
      sheet,
      row,
      columnLetter(col - 1),
    );
  }
  return c;
}

export async function parseBaWorkbook(bytes: Uint8Array, ctx: ParseContext): Promise<ParsedFile> {
  const sheets = await readWorkbook(bytes, ctx.limits);
  return parseBaSheets(sheets, await loadMapping(ctx.mappingPath), ctx.catalog, 'ba-xlsx');
}

/** A BA-layout table saved as CSV: the separator is the one most frequent in the first lines. */
export async function parseBaCsv(text: string, ctx: ParseContext): Promise<ParsedFile> {
  // German spreadsheet CSV uses ';' (the comma is the decimal sign); else tab, else comma.
  const head = text.split('\n', 30).join('\n');
  const sep: Separator = head.includes(';') ? ';' : head.includes('\t') ? '\t' : ',';
  const reader = new CsvReader(text, sep, ctx.limits);
  const rows: Cell[][] = [];
  const rowNumbers: number[] = [];
  for (let fields = reader.next(); fields !== null; fields = reader.next()) {
    // Excel writes empty rows of a table as separators only (';;;;;;'): an empty row.
    rows.push(isBlankRecord(fields) ? [] : fields);
    rowNumbers.push(reader.line);
  }
  return parseBaSheets(
    [{ name: null, rows, rowNumbers }],
    await loadMapping(ctx.mappingPath),
    ctx.catalog,
    'ba-csv',
  );
}
